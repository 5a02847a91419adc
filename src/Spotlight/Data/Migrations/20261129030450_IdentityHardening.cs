using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class IdentityHardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastTotpTimeStep",
                table: "users",
                
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeptStampHash",
                table: "sessions",
                
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "KeptStampUntil",
                table: "sessions",
                
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Binding",
                table: "one_time_tokens",
                
                maxLength: 64,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastTotpTimeStep",
                table: "users");

            migrationBuilder.DropColumn(
                name: "KeptStampHash",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "KeptStampUntil",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "Binding",
                table: "one_time_tokens");
        }
    }
}
