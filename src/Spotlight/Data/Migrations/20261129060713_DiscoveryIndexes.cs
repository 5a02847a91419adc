using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class DiscoveryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "feed_impressions",
                columns: table => new
                {
                    ViewerId = table.Column<Guid>(nullable: false),
                    PostId = table.Column<Guid>(nullable: false),
                    ServedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feed_impressions", x => new { x.ViewerId, x.PostId });
                });

            migrationBuilder.CreateTable(
                name: "post_gift_credits",
                columns: table => new
                {
                    TransactionId = table.Column<Guid>(nullable: false),
                    PostId = table.Column<Guid>(nullable: false),
                    Coins = table.Column<long>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_post_gift_credits", x => x.TransactionId);
                });

            migrationBuilder.CreateTable(
                name: "post_ranks",
                columns: table => new
                {
                    PostId = table.Column<Guid>(nullable: false),
                    AuthorId = table.Column<Guid>(nullable: false),
                    Freshness = table.Column<double>(nullable: false),
                    GiftCoins = table.Column<long>(nullable: false),
                    Score = table.Column<double>(nullable: false),
                    Rank = table.Column<double>(nullable: false),
                    UpdatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_post_ranks", x => x.PostId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_feed_impressions_ServedAt",
                table: "feed_impressions",
                column: "ServedAt");

            migrationBuilder.CreateIndex(
                name: "IX_post_gift_credits_CreatedAt",
                table: "post_gift_credits",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_post_ranks_Rank_PostId",
                table: "post_ranks",
                columns: new[] { "Rank", "PostId" });

            DiscoveryTextIndex.Create(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            DiscoveryTextIndex.Drop(migrationBuilder);

            migrationBuilder.DropTable(
                name: "feed_impressions");

            migrationBuilder.DropTable(
                name: "post_gift_credits");

            migrationBuilder.DropTable(
                name: "post_ranks");
        }
    }
}
