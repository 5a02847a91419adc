using Spotlight.Platform.Storage;

namespace Spotlight.Tests.Platform;

/// <summary><c>Storage:Quotas:*</c> as operators write them: bytes or binary units, checked when the server starts.</summary>
public sealed class StorageQuotaSettingsTests
{
    [Theory]
    [InlineData("10240", 10240L)]
    [InlineData("200MiB", 200L * 1024 * 1024)]
    [InlineData(" 1 gib ", 1024L * 1024 * 1024)]
    [InlineData("5GiB", 5L * 1024 * 1024 * 1024)]
    [InlineData("0", 0L)]
    public void Quota_sizes_are_read_as_bytes_or_binary_units(string text, long bytes)
    {
        var limits = new QuotaLimits(new StorageOptions { Quotas = new(StringComparer.OrdinalIgnoreCase) { ["free"] = text } });

        Assert.Equal(bytes, limits.For("free"));
        Assert.Equal(bytes, limits.For("some-new-tier"));
    }

    [Theory]
    [InlineData("1.5GiB")]
    [InlineData("200MB")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("99999999999TiB")]
    public void A_quota_that_is_not_a_size_stops_the_start(string text) =>
        Assert.Throws<Spotlight.Platform.StartupRefusedException>(() => new QuotaLimits(new StorageOptions { Quotas = new(StringComparer.OrdinalIgnoreCase) { ["free"] = text } }));

    [Fact]
    public void The_defaults_fit_chat_attachments_by_tier()
    {
        var limits = new QuotaLimits(new StorageOptions());

        Assert.Equal(200L << 20, limits.For("free"));
        Assert.Equal(1L << 30, limits.For("premium"));
        Assert.Equal(5L << 30, limits.For("creator"));
    }
}
