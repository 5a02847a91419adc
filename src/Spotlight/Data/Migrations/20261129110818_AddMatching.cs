using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddMatching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "match_queue",
                columns: table => new
                {
                    UserId = table.Column<Guid>(nullable: false),
                    Languages = table.Column<string>(maxLength: 170, nullable: true),
                    Region = table.Column<string>(maxLength: 16, nullable: true),
                    JoinedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_match_queue", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_match_queue_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "matches",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    UserA = table.Column<Guid>(nullable: false),
                    UserB = table.Column<Guid>(nullable: false),
                    RoomName = table.Column<string>(maxLength: 64, nullable: false),
                    StartedAt = table.Column<DateTime>(nullable: false),
                    EndedAt = table.Column<DateTime>(nullable: true),
                    EndReason = table.Column<string>(maxLength: 32, nullable: true),
                    LanguagesA = table.Column<string>(maxLength: 170, nullable: true),
                    RegionA = table.Column<string>(maxLength: 16, nullable: true),
                    LanguagesB = table.Column<string>(maxLength: 170, nullable: true),
                    RegionB = table.Column<string>(maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_matches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_matches_users_UserA",
                        column: x => x.UserA,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_matches_users_UserB",
                        column: x => x.UserB,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_match_queue_JoinedAt",
                table: "match_queue",
                column: "JoinedAt");

            migrationBuilder.CreateIndex(
                name: "IX_matches_RoomName",
                table: "matches",
                column: "RoomName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_matches_UserA_StartedAt",
                table: "matches",
                columns: new[] { "UserA", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_matches_UserB_StartedAt",
                table: "matches",
                columns: new[] { "UserB", "StartedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "match_queue");

            migrationBuilder.DropTable(
                name: "matches");
        }
    }
}
