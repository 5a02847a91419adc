using System.Runtime.InteropServices;

namespace Spotlight.Platform;

/// <summary>
/// Every file and folder the server creates is its account's alone (0600 / 0700): the database and its -wal/-shm,
/// secrets, Data Protection keys, attachments and development mail (which holds live reset tokens). One process-wide
/// umask covers them all, including the files SQLite creates natively, so no writer can forget it.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const uint GroupAndOthers = 0b000_111_111; // 077

    private static int _applied;

    public static void Apply()
    {
        if (OperatingSystem.IsWindows() || Interlocked.Exchange(ref _applied, 1) == 1)
        {
            return;
        }

        _ = SetUmask(GroupAndOthers);
    }

    // DllImport, not LibraryImport: one blittable argument needs no generated marshalling, and no unsafe code in the project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint SetUmask(uint mask);
#pragma warning restore SYSLIB1054
}
