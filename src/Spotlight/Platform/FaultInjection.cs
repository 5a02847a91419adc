namespace Spotlight.Platform;

/// <summary>
/// Named points inside multi-step operations (e.g. <c>wallet.after-debit</c>) where a test build can make the operation
/// fail, to prove that a crash there leaves nothing half done. In the product it does nothing.
/// </summary>
public interface IFaultInjector
{
    void At(string point);
}

internal sealed class NoFaults : IFaultInjector
{
    public void At(string point)
    {
    }
}
