using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class Moderation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "BannedUntil",
                table: "users",
                
                nullable: true);

            migrationBuilder.CreateTable(
                name: "moderation_cases",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    TargetType = table.Column<string>(maxLength: 16, nullable: false),
                    TargetId = table.Column<Guid>(nullable: false),
                    AuthorId = table.Column<Guid>(nullable: true),
                    OpenKey = table.Column<string>(maxLength: 64, nullable: true),
                    Status = table.Column<string>(maxLength: 16, nullable: false),
                    ReportCount = table.Column<int>(nullable: false),
                    Preview = table.Column<string>(maxLength: 2000, nullable: false),
                    MediaUrls = table.Column<string>(maxLength: 8000, nullable: false),
                    FirstReportedAt = table.Column<DateTime>(nullable: false),
                    LastReportedAt = table.Column<DateTime>(nullable: false),
                    ResolvedAt = table.Column<DateTime>(nullable: true),
                    ResolvedBy = table.Column<Guid>(nullable: true),
                    Action = table.Column<string>(maxLength: 16, nullable: true),
                    ResolutionReason = table.Column<string>(maxLength: 500, nullable: true),
                    Days = table.Column<int>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_moderation_cases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "reports",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    CaseId = table.Column<Guid>(nullable: false),
                    ReporterId = table.Column<Guid>(nullable: false),
                    TargetType = table.Column<string>(maxLength: 16, nullable: false),
                    TargetId = table.Column<Guid>(nullable: false),
                    Reason = table.Column<string>(maxLength: 16, nullable: false),
                    Note = table.Column<string>(maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    Outcome = table.Column<string>(maxLength: 16, nullable: true),
                    ResolvedAt = table.Column<DateTime>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reports", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_BannedUntil",
                table: "users",
                column: "BannedUntil");

            migrationBuilder.CreateIndex(
                name: "IX_moderation_cases_AuthorId_Id",
                table: "moderation_cases",
                columns: new[] { "AuthorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_moderation_cases_OpenKey",
                table: "moderation_cases",
                column: "OpenKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_moderation_cases_Status_Id",
                table: "moderation_cases",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_moderation_cases_TargetType_TargetId",
                table: "moderation_cases",
                columns: new[] { "TargetType", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_reports_CaseId_ReporterId",
                table: "reports",
                columns: new[] { "CaseId", "ReporterId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_reports_ReporterId_Id",
                table: "reports",
                columns: new[] { "ReporterId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "moderation_cases");

            migrationBuilder.DropTable(
                name: "reports");

            migrationBuilder.DropIndex(
                name: "IX_users_BannedUntil",
                table: "users");

            migrationBuilder.DropColumn(
                name: "BannedUntil",
                table: "users");
        }
    }
}
