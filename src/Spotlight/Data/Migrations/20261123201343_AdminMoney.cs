using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdminMoney : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "RequestedBy",
                table: "ledger_reconciliations",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ledger_transactions_Type_Id",
                table: "ledger_transactions",
                columns: new[] { "Type", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ledger_transactions_Type_Id",
                table: "ledger_transactions");

            migrationBuilder.DropColumn(
                name: "RequestedBy",
                table: "ledger_reconciliations");
        }
    }
}
