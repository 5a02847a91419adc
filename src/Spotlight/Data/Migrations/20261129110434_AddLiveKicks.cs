using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddLiveKicks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "live_kicks",
                columns: table => new
                {
                    LiveId = table.Column<Guid>(nullable: false),
                    UserId = table.Column<Guid>(nullable: false),
                    KickedAt = table.Column<DateTime>(nullable: false),
                    KickedBy = table.Column<Guid>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_live_kicks", x => new { x.LiveId, x.UserId });
                    table.ForeignKey(
                        name: "FK_live_kicks_live_sessions_LiveId",
                        column: x => x.LiveId,
                        principalTable: "live_sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_live_kicks_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_live_kicks_UserId",
                table: "live_kicks",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "live_kicks");
        }
    }
}
