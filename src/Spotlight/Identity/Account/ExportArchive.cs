using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Jobs;

namespace Spotlight.Identity.Account;

/// <summary>Writes the archive: one <c>&lt;kind&gt;.json</c> per kind, files where the modules put them (<c>media/…</c>).</summary>
internal sealed class ZipExportWriter(ZipArchive zip) : IExportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public List<string> Written { get; } = [];

    public async Task WriteAsync<T>(string kind, T data, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(kind + ".json", CompressionLevel.Optimal);
        await using var stream = entry.Open();
        await JsonSerializer.SerializeAsync(stream, data, Json, cancellationToken);
        Written.Add(kind + ".json");
    }

    public async Task WriteFileAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.NoCompression); // media are compressed already
        await using var stream = entry.Open();
        await content.CopyToAsync(stream, cancellationToken);
        Written.Add(path);
    }
}

/// <summary>
/// Makes a requested export's archive (<c>account-export</c>, one job per export): every module's
/// <see cref="IPersonalData.ExportAsync"/> into a ZIP beside the data, with a README, written to a temporary name and renamed
/// when complete, so a node that dies mid-way leaves nothing half-written to download (the job runs again).
/// </summary>
internal sealed class AccountExportJob(SpotlightDb db, IEnumerable<IPersonalData> parts, AccountExportFiles files, TimeProvider time) : IJobHandler
{
    public const string JobType = "account-export";

    /// <summary>How long an archive (and its link) stays downloadable.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(48);

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var export = await db.Set<AccountExport>().SingleOrDefaultAsync(e => e.Id == Guid.Parse(run.Payload!), cancellationToken);
        if (export is not { Status: AccountExportStatus.Pending })
        {
            return;
        }

        Directory.CreateDirectory(files.Directory);
        var path = files.PathOf(export.Id);
        var temporary = path + ".part";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Create);
            var writer = new ZipExportWriter(zip);
            foreach (var part in parts)
            {
                await part.ExportAsync(export.UserId, writer, cancellationToken);
            }

            var readme = zip.CreateEntry("README.txt");
            await using (var stream = readme.Open())
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Readme(export, writer.Written, parts.SelectMany(p => p.Kinds))), cancellationToken);
            }
        }

        File.Move(temporary, path, overwrite: true);
        var now = time.GetUtcNow().UtcDateTime;
        export.Status = AccountExportStatus.Ready;
        export.ReadyAt = now;
        export.ExpiresAt = now + Lifetime;
        export.Size = new FileInfo(path).Length;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Readme(AccountExport export, IEnumerable<string> written, IEnumerable<string> kinds)
    {
        var text = new StringBuilder();
        text.AppendLine("Spotlight: a copy of your data");
        text.AppendLine();
        text.AppendLine($"Account {export.UserId}, requested {export.RequestedAt:u}.");
        text.AppendLine();
        text.AppendLine("Each kind of data is one JSON file (UTF-8, times in UTC, ISO 8601):");
        foreach (var kind in kinds.Distinct().Order(StringComparer.Ordinal))
        {
            text.AppendLine($"  {kind}.json");
        }

        text.AppendLine();
        text.AppendLine("The photos and videos of your posts are under media/, named by their id (posts.json lists each post's media).");
        text.AppendLine("Ledger entries (coins) are kept after an account is deleted, tied to the anonymized account, because the books must balance.");
        text.AppendLine();
        text.AppendLine($"Files: {written.Count()}.");
        return text.ToString();
    }
}

/// <summary>
/// Every hour: archives not downloaded in time are removed and their exports marked expired; an export still pending a day
/// after it was asked for (its job gave up) is marked failed, and whatever it left half-written is removed.
/// </summary>
internal sealed class AccountExportSweepJob(SpotlightDb db, AccountExportFiles files, TimeProvider time) : IJobHandler
{
    public string Type => "account-export-sweep";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ended = await db.Set<AccountExport>().Where(e => e.Status == AccountExportStatus.Ready && e.ExpiresAt <= now)
            .Select(e => e.Id).Take(500).ToListAsync(cancellationToken);
        foreach (var id in ended)
        {
            // Conditional: a download that claimed it meanwhile keeps its file until the download closes it.
            if (await db.Set<AccountExport>().Where(e => e.Id == id && e.Status == AccountExportStatus.Ready)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, AccountExportStatus.Expired), cancellationToken) == 1)
            {
                files.Delete(id);
            }
        }

        var givenUp = now - TimeSpan.FromDays(1);
        var stuck = await db.Set<AccountExport>().Where(e => e.Status == AccountExportStatus.Pending && e.RequestedAt < givenUp)
            .Select(e => e.Id).Take(500).ToListAsync(cancellationToken);
        foreach (var id in stuck)
        {
            if (await db.Set<AccountExport>().Where(e => e.Id == id && e.Status == AccountExportStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, AccountExportStatus.Failed), cancellationToken) == 1)
            {
                files.Delete(id);
            }
        }
    }
}
