using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddCreatorApplications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "creator_applications",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    UserId = table.Column<Guid>(nullable: false),
                    Status = table.Column<string>(maxLength: 20, nullable: false),
                    Category = table.Column<string>(maxLength: 40, nullable: false),
                    Country = table.Column<string>(maxLength: 2, nullable: false),
                    About = table.Column<string>(maxLength: 2000, nullable: false),
                    Links = table.Column<string>(maxLength: 2600, nullable: false),
                    SubmittedAt = table.Column<DateTime>(nullable: false),
                    DecidedAt = table.Column<DateTime>(nullable: true),
                    DecidedBy = table.Column<Guid>(nullable: true),
                    Reason = table.Column<string>(maxLength: 500, nullable: true),
                    PendingUserId = table.Column<Guid>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_creator_applications", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_creator_applications_PendingUserId",
                table: "creator_applications",
                column: "PendingUserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_creator_applications_Status_SubmittedAt",
                table: "creator_applications",
                columns: new[] { "Status", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_creator_applications_UserId_SubmittedAt",
                table: "creator_applications",
                columns: new[] { "UserId", "SubmittedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "creator_applications");
        }
    }
}
