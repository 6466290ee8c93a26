using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;
using Security.Csp.Internal.Blazor;

namespace Security.Csp;

/// <summary>
/// Returned by <c>AddSecurityCsp</c>: adds named policies, and lets storage packages plug in a
/// report store (e.g. <c>.AddEntityFrameworkStore(...)</c>).
/// </summary>
public sealed class SecurityCspBuilder : ICspReportStoreBuilder
{
    internal SecurityCspBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The name of the cascading value <see cref="AddCascadingNonce"/> adds: <c>CspNonce</c>.</summary>
    public const string CascadingNonceName = "CspNonce";

    /// <summary>
    /// Cascades the request's CSP nonce to every Razor component (as <c>AddCascadingAuthenticationState()</c> does the user),
    /// read with <c>[CascadingParameter(Name = "CspNonce")] public string? CspNonce { get; set; }</c> and written as
    /// <c>&lt;ImportMap nonce="@CspNonce" /&gt;</c> or <c>&lt;script nonce="@CspNonce"&gt;</c>. In a static or prerendered
    /// render it is the nonce of the response's header, drawn when a component first asks (ask in <c>App.razor</c>, before a
    /// streaming page starts the response); in an interactive render it is <see langword="null"/>, so Razor writes no
    /// <c>nonce</c> attribute: such a render has no response and no header. Also registers <c>IHttpContextAccessor</c>.
    /// </summary>
    /// <returns>This builder.</returns>
    public SecurityCspBuilder AddCascadingNonce()
    {
        if (!Services.Any(d => d.ServiceType == typeof(CspComponentNonce.Marker)))
        {
            Services.AddSingleton<CspComponentNonce.Marker>();
            Services.AddHttpContextAccessor();
            Services.AddCascadingValue(CascadingNonceName, CspComponentNonce.For);
        }

        return this;
    }

    /// <summary>
    /// Adds (or replaces) a named policy, chosen per endpoint with <c>.RequireCspPolicy(name)</c> or
    /// <c>[CspPolicy(name)]</c>. Code wins over <c>Security:Csp:Policies:&lt;name&gt;</c>.
    /// </summary>
    /// <param name="name">The policy name, e.g. <c>api</c>.</param>
    /// <param name="configure">The directives, e.g. <c>p => p.DefaultSrc().None()</c>.</param>
    /// <param name="mode">One of <see cref="CspModes"/>; default <c>enforce</c>.</param>
    /// <returns>This builder.</returns>
    public SecurityCspBuilder AddPolicy(string name, Action<CspPolicyBuilder> configure, string mode = CspModes.Enforce)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure<SecurityCspOptions>(options =>
        {
            var policy = new CspPolicyOptions { Mode = mode };
            policy.UsePolicy(configure);
            options.Policies[name] = policy;
        });
        return this;
    }

    /// <summary>
    /// Adds (or replaces) a named policy given as options (mode, report-only policy, nonce settings).
    /// </summary>
    /// <param name="name">The policy name, e.g. <c>api</c>.</param>
    /// <param name="policy">The policy options.</param>
    /// <returns>This builder.</returns>
    public SecurityCspBuilder AddPolicy(string name, CspPolicyOptions policy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(policy);
        Services.Configure<SecurityCspOptions>(options => options.Policies[name] = policy);
        return this;
    }
}
