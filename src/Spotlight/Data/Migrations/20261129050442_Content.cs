using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class Content : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Media",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    OwnerId = table.Column<Guid>(nullable: false),
                    Kind = table.Column<string>(maxLength: 8, nullable: false),
                    ContentType = table.Column<string>(maxLength: 64, nullable: false),
                    Size = table.Column<long>(nullable: false),
                    Width = table.Column<int>(nullable: false),
                    Height = table.Column<int>(nullable: false),
                    DurationMs = table.Column<int>(nullable: true),
                    Status = table.Column<string>(maxLength: 16, nullable: false),
                    FailureReason = table.Column<string>(maxLength: 500, nullable: true),
                    StorageKey = table.Column<string>(maxLength: 200, nullable: false),
                    ThumbnailKey = table.Column<string>(maxLength: 200, nullable: true),
                    Blurhash = table.Column<string>(maxLength: 100, nullable: true),
                    PostId = table.Column<Guid>(nullable: true),
                    Position = table.Column<int>(nullable: false),
                    Exposure = table.Column<string>(maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Media", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PostHashtags",
                columns: table => new
                {
                    PostId = table.Column<Guid>(nullable: false),
                    Tag = table.Column<string>(maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostHashtags", x => new { x.PostId, x.Tag });
                });

            migrationBuilder.CreateTable(
                name: "PostPlans",
                columns: table => new
                {
                    PostId = table.Column<Guid>(nullable: false),
                    PlanId = table.Column<Guid>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostPlans", x => new { x.PostId, x.PlanId });
                });

            migrationBuilder.CreateTable(
                name: "PostUnlocks",
                columns: table => new
                {
                    PostId = table.Column<Guid>(nullable: false),
                    BuyerId = table.Column<Guid>(nullable: false),
                    TransactionId = table.Column<Guid>(nullable: false),
                    Price = table.Column<long>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostUnlocks", x => new { x.PostId, x.BuyerId });
                });

            migrationBuilder.CreateTable(
                name: "Posts",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    AuthorId = table.Column<Guid>(nullable: false),
                    Text = table.Column<string>(maxLength: 5000, nullable: false),
                    Visibility = table.Column<string>(maxLength: 16, nullable: false),
                    Price = table.Column<long>(nullable: true),
                    Pinned = table.Column<bool>(nullable: false),
                    PinnedAt = table.Column<DateTime>(nullable: true),
                    CommentsClosed = table.Column<bool>(nullable: false),
                    LikeCount = table.Column<int>(nullable: false),
                    CommentCount = table.Column<int>(nullable: false),
                    UnlockCount = table.Column<int>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    EditedAt = table.Column<DateTime>(nullable: true),
                    DeletedAt = table.Column<DateTime>(nullable: true),
                    ModerationStatus = table.Column<string>(maxLength: 16, nullable: true),
                    ModerationReason = table.Column<string>(maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Posts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Media_OwnerId_Id",
                table: "Media",
                columns: new[] { "OwnerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Media_PostId_Position",
                table: "Media",
                columns: new[] { "PostId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_PostHashtags_Tag_PostId",
                table: "PostHashtags",
                columns: new[] { "Tag", "PostId" });

            migrationBuilder.CreateIndex(
                name: "IX_PostUnlocks_BuyerId",
                table: "PostUnlocks",
                column: "BuyerId");

            migrationBuilder.CreateIndex(
                name: "IX_Posts_AuthorId_Id",
                table: "Posts",
                columns: new[] { "AuthorId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Media");

            migrationBuilder.DropTable(
                name: "PostHashtags");

            migrationBuilder.DropTable(
                name: "PostPlans");

            migrationBuilder.DropTable(
                name: "PostUnlocks");

            migrationBuilder.DropTable(
                name: "Posts");
        }
    }
}
