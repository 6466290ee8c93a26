using System.Diagnostics.Metrics;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>Instruments of login throttling on the <c>Security</c> meter.</summary>
internal sealed class LoginThrottlingMetrics
{
    public const string ThrottledName = "security.login.throttled";
    public const string FailedName = "security.login.failed";

    private readonly Counter<long> _throttled;
    private readonly Counter<long> _failed;

    public LoginThrottlingMetrics(IMeterFactory meterFactory)
    {
        var meter = SecurityMeter.Create(meterFactory);
        _throttled = meter.CreateCounter<long>(ThrottledName, "{attempt}", "Login attempts refused because of earlier failures.");
        _failed = meter.CreateCounter<long>(FailedName, "{attempt}", "Login attempts that did not sign the user in.");
    }

    public void Throttled() => _throttled.Count();

    public void Failed() => _failed.Count();
}
