using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class Outbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    EventId = table.Column<Guid>(nullable: false),
                    EventType = table.Column<string>(maxLength: 100, nullable: false),
                    Handler = table.Column<string>(maxLength: 200, nullable: false),
                    Payload = table.Column<string>(nullable: false),
                    OccurredAt = table.Column<DateTime>(nullable: false),
                    NextAttemptAt = table.Column<DateTime>(nullable: false),
                    Attempts = table.Column<int>(nullable: false),
                    LockedUntil = table.Column<DateTime>(nullable: true),
                    ProcessedAt = table.Column<DateTime>(nullable: true),
                    DeadAt = table.Column<DateTime>(nullable: true),
                    LastError = table.Column<string>(maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_EventId",
                table: "outbox_messages",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_ProcessedAt_DeadAt_NextAttemptAt",
                table: "outbox_messages",
                columns: new[] { "ProcessedAt", "DeadAt", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "outbox_messages");
        }
    }
}
