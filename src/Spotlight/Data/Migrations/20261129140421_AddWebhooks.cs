using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "webhook_endpoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    Url = table.Column<string>(maxLength: 2000, nullable: false),
                    Events = table.Column<string>(maxLength: 1000, nullable: false),
                    Enabled = table.Column<bool>(nullable: false),
                    DisabledReason = table.Column<string>(maxLength: 50, nullable: true),
                    Secret = table.Column<string>(maxLength: 500, nullable: false),
                    PreviousSecret = table.Column<string>(maxLength: 500, nullable: true),
                    PreviousSecretExpiresAt = table.Column<DateTime>(nullable: true),
                    FailingSince = table.Column<DateTime>(nullable: true),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    UpdatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_endpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    EndpointId = table.Column<Guid>(nullable: false),
                    EventId = table.Column<Guid>(nullable: false),
                    EventType = table.Column<string>(maxLength: 100, nullable: false),
                    Payload = table.Column<string>(nullable: false),
                    Status = table.Column<string>(maxLength: 20, nullable: false),
                    Attempts = table.Column<int>(nullable: false),
                    NextAttemptAt = table.Column<DateTime>(nullable: false),
                    GiveUpAt = table.Column<DateTime>(nullable: false),
                    LockedUntil = table.Column<DateTime>(nullable: true),
                    ResponseCode = table.Column<int>(nullable: true),
                    LatencyMs = table.Column<int>(nullable: true),
                    LastError = table.Column<string>(maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    LastAttemptAt = table.Column<DateTime>(nullable: true),
                    DeliveredAt = table.Column<DateTime>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_deliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_webhook_deliveries_webhook_endpoints_EndpointId",
                        column: x => x.EndpointId,
                        principalTable: "webhook_endpoints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_EndpointId_EventId",
                table: "webhook_deliveries",
                columns: new[] { "EndpointId", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_Status_NextAttemptAt",
                table: "webhook_deliveries",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "webhook_endpoints");
        }
    }
}
