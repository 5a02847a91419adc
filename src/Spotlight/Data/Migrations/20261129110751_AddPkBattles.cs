using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddPkBattles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "pk_battles",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    InviterLiveId = table.Column<Guid>(nullable: false),
                    InviterCreatorId = table.Column<Guid>(nullable: false),
                    InviterScore = table.Column<long>(nullable: false),
                    OpponentLiveId = table.Column<Guid>(nullable: false),
                    OpponentCreatorId = table.Column<Guid>(nullable: false),
                    OpponentScore = table.Column<long>(nullable: false),
                    Status = table.Column<string>(maxLength: 16, nullable: false),
                    DurationSeconds = table.Column<int>(nullable: false),
                    InvitedAt = table.Column<DateTime>(nullable: false),
                    ExpiresAt = table.Column<DateTime>(nullable: false),
                    StartedAt = table.Column<DateTime>(nullable: true),
                    EndsAt = table.Column<DateTime>(nullable: true),
                    ClosedAt = table.Column<DateTime>(nullable: true),
                    EndReason = table.Column<string>(maxLength: 16, nullable: true),
                    WinnerLiveId = table.Column<Guid>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pk_battles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_pk_battles_live_sessions_InviterLiveId",
                        column: x => x.InviterLiveId,
                        principalTable: "live_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_pk_battles_live_sessions_OpponentLiveId",
                        column: x => x.OpponentLiveId,
                        principalTable: "live_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pk_contributions",
                columns: table => new
                {
                    TransactionId = table.Column<Guid>(nullable: false),
                    BattleId = table.Column<Guid>(nullable: false),
                    LiveId = table.Column<Guid>(nullable: false),
                    Amount = table.Column<long>(nullable: false),
                    SentAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pk_contributions", x => x.TransactionId);
                });

            migrationBuilder.CreateTable(
                name: "pk_live_slots",
                columns: table => new
                {
                    LiveId = table.Column<Guid>(nullable: false),
                    BattleId = table.Column<Guid>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pk_live_slots", x => x.LiveId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_pk_battles_InviterCreatorId_Id",
                table: "pk_battles",
                columns: new[] { "InviterCreatorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_pk_battles_InviterLiveId",
                table: "pk_battles",
                column: "InviterLiveId");

            migrationBuilder.CreateIndex(
                name: "IX_pk_battles_OpponentCreatorId_Id",
                table: "pk_battles",
                columns: new[] { "OpponentCreatorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_pk_battles_OpponentLiveId",
                table: "pk_battles",
                column: "OpponentLiveId");

            migrationBuilder.CreateIndex(
                name: "IX_pk_battles_Status_EndsAt",
                table: "pk_battles",
                columns: new[] { "Status", "EndsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pk_battles_Status_ExpiresAt",
                table: "pk_battles",
                columns: new[] { "Status", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pk_contributions_BattleId",
                table: "pk_contributions",
                column: "BattleId");

            migrationBuilder.CreateIndex(
                name: "IX_pk_live_slots_BattleId",
                table: "pk_live_slots",
                column: "BattleId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pk_battles");

            migrationBuilder.DropTable(
                name: "pk_contributions");

            migrationBuilder.DropTable(
                name: "pk_live_slots");
        }
    }
}
