using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class Wallet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_accounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    Kind = table.Column<string>(maxLength: 30, nullable: false),
                    OwnerId = table.Column<Guid>(nullable: true),
                    Key = table.Column<string>(maxLength: 100, nullable: false),
                    Balance = table.Column<long>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_reconciliations",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    CheckedAt = table.Column<DateTime>(nullable: false),
                    Balanced = table.Column<bool>(nullable: false),
                    MismatchCount = table.Column<int>(nullable: false),
                    Entries = table.Column<long>(nullable: false),
                    DurationMs = table.Column<long>(nullable: false),
                    Mismatches = table.Column<string>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_reconciliations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_transactions",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    Type = table.Column<string>(maxLength: 30, nullable: false),
                    Amount = table.Column<long>(nullable: false),
                    InitiatorId = table.Column<Guid>(nullable: true),
                    Reference = table.Column<string>(maxLength: 200, nullable: true),
                    ReversesId = table.Column<Guid>(nullable: true),
                    Memo = table.Column<string>(maxLength: 500, nullable: true),
                    Metadata = table.Column<string>(maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_transactions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payment_events",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    Provider = table.Column<string>(maxLength: 30, nullable: false),
                    EventId = table.Column<string>(maxLength: 255, nullable: false),
                    Type = table.Column<string>(maxLength: 100, nullable: false),
                    TopupId = table.Column<Guid>(nullable: true),
                    Amount = table.Column<long>(nullable: true),
                    Outcome = table.Column<string>(maxLength: 30, nullable: false),
                    ReceivedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payment_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "subscription_plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    CreatorId = table.Column<Guid>(nullable: false),
                    Name = table.Column<string>(maxLength: 100, nullable: false),
                    Price = table.Column<long>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscription_plans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    SubscriberId = table.Column<Guid>(nullable: false),
                    CreatorId = table.Column<Guid>(nullable: false),
                    PlanId = table.Column<Guid>(nullable: false),
                    Price = table.Column<long>(nullable: false),
                    Status = table.Column<string>(maxLength: 20, nullable: false),
                    CurrentPeriodStart = table.Column<DateTime>(nullable: false),
                    CurrentPeriodEnd = table.Column<DateTime>(nullable: false),
                    PeriodNumber = table.Column<int>(nullable: false),
                    PastDueSince = table.Column<DateTime>(nullable: true),
                    CanceledAt = table.Column<DateTime>(nullable: true),
                    EndedAt = table.Column<DateTime>(nullable: true),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    LiveKey = table.Column<string>(maxLength: 80, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "wallet_payouts",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    CreatorId = table.Column<Guid>(nullable: false),
                    Amount = table.Column<long>(nullable: false),
                    Status = table.Column<string>(maxLength: 20, nullable: false),
                    RequestedAt = table.Column<DateTime>(nullable: false),
                    DecidedAt = table.Column<DateTime>(nullable: true),
                    DecidedBy = table.Column<Guid>(nullable: true),
                    PaidAt = table.Column<DateTime>(nullable: true),
                    Provider = table.Column<string>(maxLength: 30, nullable: true),
                    ProviderReference = table.Column<string>(maxLength: 200, nullable: true),
                    RejectionReason = table.Column<string>(maxLength: 500, nullable: true),
                    LastError = table.Column<string>(maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_wallet_payouts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "wallet_topups",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    UserId = table.Column<Guid>(nullable: false),
                    PackageId = table.Column<string>(maxLength: 50, nullable: false),
                    Coins = table.Column<long>(nullable: false),
                    Price = table.Column<long>(nullable: false),
                    Currency = table.Column<string>(maxLength: 10, nullable: false),
                    Provider = table.Column<string>(maxLength: 30, nullable: false),
                    Status = table.Column<string>(maxLength: 20, nullable: false),
                    CheckoutUrl = table.Column<string>(maxLength: 2048, nullable: true),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    CreditedAt = table.Column<DateTime>(nullable: true),
                    TransactionId = table.Column<Guid>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_wallet_topups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    TransactionId = table.Column<Guid>(nullable: false),
                    AccountId = table.Column<Guid>(nullable: false),
                    Amount = table.Column<long>(nullable: false),
                    BalanceAfter = table.Column<long>(nullable: true),
                    CounterpartyId = table.Column<Guid>(nullable: true),
                    Type = table.Column<string>(maxLength: 30, nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_entries", x => new { x.TransactionId, x.AccountId });
                    table.ForeignKey(
                        name: "FK_ledger_entries_ledger_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "ledger_accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ledger_entries_ledger_transactions_TransactionId",
                        column: x => x.TransactionId,
                        principalTable: "ledger_transactions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_accounts_OwnerId_Kind",
                table: "ledger_accounts",
                columns: new[] { "OwnerId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_AccountId_TransactionId",
                table: "ledger_entries",
                columns: new[] { "AccountId", "TransactionId" });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_reconciliations_CheckedAt",
                table: "ledger_reconciliations",
                column: "CheckedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_transactions_CreatedAt",
                table: "ledger_transactions",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_transactions_Reference",
                table: "ledger_transactions",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ledger_transactions_ReversesId",
                table: "ledger_transactions",
                column: "ReversesId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ledger_transactions_Type_CreatedAt",
                table: "ledger_transactions",
                columns: new[] { "Type", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payment_events_Provider_EventId",
                table: "payment_events",
                columns: new[] { "Provider", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payment_events_TopupId",
                table: "payment_events",
                column: "TopupId");

            migrationBuilder.CreateIndex(
                name: "IX_subscription_plans_CreatorId_Id",
                table: "subscription_plans",
                columns: new[] { "CreatorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_CreatorId_Id",
                table: "subscriptions",
                columns: new[] { "CreatorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_LiveKey",
                table: "subscriptions",
                column: "LiveKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_Status_CurrentPeriodEnd",
                table: "subscriptions",
                columns: new[] { "Status", "CurrentPeriodEnd" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_SubscriberId_Id",
                table: "subscriptions",
                columns: new[] { "SubscriberId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_wallet_payouts_CreatorId_Id",
                table: "wallet_payouts",
                columns: new[] { "CreatorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_wallet_payouts_Status_Id",
                table: "wallet_payouts",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_wallet_topups_Status_CreatedAt",
                table: "wallet_topups",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_wallet_topups_UserId_Id",
                table: "wallet_topups",
                columns: new[] { "UserId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "ledger_reconciliations");

            migrationBuilder.DropTable(
                name: "payment_events");

            migrationBuilder.DropTable(
                name: "subscription_plans");

            migrationBuilder.DropTable(
                name: "subscriptions");

            migrationBuilder.DropTable(
                name: "wallet_payouts");

            migrationBuilder.DropTable(
                name: "wallet_topups");

            migrationBuilder.DropTable(
                name: "ledger_accounts");

            migrationBuilder.DropTable(
                name: "ledger_transactions");
        }
    }
}
