using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class LiveViewers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ViewersSentAt",
                table: "live_sessions",
                
                nullable: true);

            migrationBuilder.CreateTable(
                name: "live_viewer_connections",
                columns: table => new
                {
                    LiveId = table.Column<Guid>(nullable: false),
                    ConnectionId = table.Column<string>(maxLength: 64, nullable: false),
                    Identity = table.Column<string>(maxLength: 128, nullable: false),
                    JoinedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_live_viewer_connections", x => new { x.LiveId, x.ConnectionId });
                    table.ForeignKey(
                        name: "FK_live_viewer_connections_live_sessions_LiveId",
                        column: x => x.LiveId,
                        principalTable: "live_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "live_viewers",
                columns: table => new
                {
                    LiveId = table.Column<Guid>(nullable: false),
                    Identity = table.Column<string>(maxLength: 128, nullable: false),
                    ViaLiveKit = table.Column<bool>(nullable: false),
                    SeenAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_live_viewers", x => new { x.LiveId, x.Identity });
                    table.ForeignKey(
                        name: "FK_live_viewers_live_sessions_LiveId",
                        column: x => x.LiveId,
                        principalTable: "live_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_BannedAt",
                table: "users",
                column: "BannedAt");

            migrationBuilder.CreateIndex(
                name: "IX_live_viewer_connections_LiveId_Identity",
                table: "live_viewer_connections",
                columns: new[] { "LiveId", "Identity" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "live_viewer_connections");

            migrationBuilder.DropTable(
                name: "live_viewers");

            migrationBuilder.DropIndex(
                name: "IX_users_BannedAt",
                table: "users");

            migrationBuilder.DropColumn(
                name: "ViewersSentAt",
                table: "live_sessions");
        }
    }
}
