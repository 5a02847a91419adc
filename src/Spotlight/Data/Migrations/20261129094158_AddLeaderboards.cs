using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddLeaderboards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "leaderboard_contributions",
                columns: table => new
                {
                    TransactionId = table.Column<Guid>(nullable: false),
                    SenderId = table.Column<Guid>(nullable: false),
                    RecipientId = table.Column<Guid>(nullable: false),
                    LiveSessionId = table.Column<Guid>(nullable: true),
                    Amount = table.Column<long>(nullable: false),
                    SentAt = table.Column<DateTime>(nullable: false),
                    ReversedAt = table.Column<DateTime>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_leaderboard_contributions", x => x.TransactionId);
                });

            migrationBuilder.CreateTable(
                name: "leaderboard_scores",
                columns: table => new
                {
                    Board = table.Column<string>(maxLength: 40, nullable: false),
                    Period = table.Column<string>(maxLength: 20, nullable: false),
                    UserId = table.Column<Guid>(nullable: false),
                    Score = table.Column<long>(nullable: false),
                    ReachedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_leaderboard_scores", x => new { x.Board, x.Period, x.UserId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_leaderboard_contributions_RecipientId_SentAt",
                table: "leaderboard_contributions",
                columns: new[] { "RecipientId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_leaderboard_contributions_SenderId_SentAt",
                table: "leaderboard_contributions",
                columns: new[] { "SenderId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_leaderboard_scores_Board_Period_Score_ReachedAt_UserId",
                table: "leaderboard_scores",
                columns: new[] { "Board", "Period", "Score", "ReachedAt", "UserId" },
                descending: new[] { false, false, true, false, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "leaderboard_contributions");

            migrationBuilder.DropTable(
                name: "leaderboard_scores");
        }
    }
}
