using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Csp.Internal.Reports;

/// <summary>The bounded queue between the report endpoint and the background writer.</summary>
internal sealed class CspReportQueue
{
    private readonly Channel<CspReport> _channel;

    public CspReportQueue(IOptions<SecurityCspOptions> options)
    {
        // Wait mode makes TryWrite answer false when full (DropWrite would report success), so drops are counted.
        _channel = Channel.CreateBounded<CspReport>(new BoundedChannelOptions(options.Value.Reports.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public ChannelReader<CspReport> Reader => _channel.Reader;

    public bool TryEnqueue(CspReport report) => _channel.Writer.TryWrite(report);

    public void Complete() => _channel.Writer.TryComplete();
}
