using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddLive : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "live_sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    CreatorId = table.Column<Guid>(nullable: false),
                    OnAirCreatorId = table.Column<Guid>(nullable: true),
                    Title = table.Column<string>(maxLength: 140, nullable: false),
                    Visibility = table.Column<string>(maxLength: 16, nullable: false),
                    RoomName = table.Column<string>(maxLength: 64, nullable: false),
                    Status = table.Column<string>(maxLength: 16, nullable: false),
                    ViewerCount = table.Column<int>(nullable: false),
                    LastConfirmedAt = table.Column<DateTime>(nullable: false),
                    StartedAt = table.Column<DateTime>(nullable: false),
                    EndedAt = table.Column<DateTime>(nullable: true),
                    EndReason = table.Column<string>(maxLength: 32, nullable: true),
                    EndedBy = table.Column<Guid>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_live_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_live_sessions_users_CreatorId",
                        column: x => x.CreatorId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "livekit_webhook_events",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    EventId = table.Column<string>(maxLength: 255, nullable: false),
                    Event = table.Column<string>(maxLength: 64, nullable: false),
                    Room = table.Column<string>(maxLength: 255, nullable: true),
                    ReceivedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_livekit_webhook_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_live_sessions_CreatorId_StartedAt",
                table: "live_sessions",
                columns: new[] { "CreatorId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_live_sessions_OnAirCreatorId",
                table: "live_sessions",
                column: "OnAirCreatorId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_live_sessions_RoomName",
                table: "live_sessions",
                column: "RoomName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_live_sessions_Status_LastConfirmedAt",
                table: "live_sessions",
                columns: new[] { "Status", "LastConfirmedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_live_sessions_Status_StartedAt",
                table: "live_sessions",
                columns: new[] { "Status", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_livekit_webhook_events_EventId",
                table: "livekit_webhook_events",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_livekit_webhook_events_ReceivedAt",
                table: "livekit_webhook_events",
                column: "ReceivedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "live_sessions");

            migrationBuilder.DropTable(
                name: "livekit_webhook_events");
        }
    }
}
