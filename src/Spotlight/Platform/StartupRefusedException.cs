namespace Spotlight.Platform;

/// <summary>
/// A setting that stops the server from starting. Its message names the setting and how to fix it; Program.cs prints
/// the message alone (no stack trace: it is the operator's mistake, not the code's) and exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class StartupRefusedException(string message) : InvalidOperationException(message)
{
    /// <summary>EX_CONFIG from sysexits.h: a configuration error.</summary>
    public const int ExitCode = 78;
}
