using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddAccountExports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DeletedAt",
                table: "users",
                
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_exports",
                columns: table => new
                {
                    Id = table.Column<Guid>(nullable: false),
                    UserId = table.Column<Guid>(nullable: false),
                    Status = table.Column<string>(maxLength: 16, nullable: false),
                    ByAdmin = table.Column<bool>(nullable: false),
                    RequestedAt = table.Column<DateTime>(nullable: false),
                    ReadyAt = table.Column<DateTime>(nullable: true),
                    ExpiresAt = table.Column<DateTime>(nullable: true),
                    DownloadedAt = table.Column<DateTime>(nullable: true),
                    Size = table.Column<long>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_exports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_account_exports_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_account_exports_Status_ExpiresAt",
                table: "account_exports",
                columns: new[] { "Status", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_account_exports_UserId_RequestedAt",
                table: "account_exports",
                columns: new[] { "UserId", "RequestedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_exports");

            migrationBuilder.DropColumn(
                name: "DeletedAt",
                table: "users");
        }
    }
}
