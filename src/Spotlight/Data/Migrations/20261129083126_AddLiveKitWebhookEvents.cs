using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddLiveKitWebhookEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                name: "livekit_webhook_events");
        }
    }
}
