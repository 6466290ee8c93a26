using Microsoft.Extensions.DependencyInjection;

namespace Security.Auth;

/// <summary>
/// Looks for Identity among the app's registrations once, on first use (after <c>Build()</c>, so
/// <c>AddIdentity</c> may be called before or after the Security.Auth registrations).
/// </summary>
internal sealed class IdentityUserAccessLocator(IServiceCollection services)
{
    private readonly Lazy<IdentityUserAccess?> _access = new(() => IdentityUserAccess.Find(services));

    public IdentityUserAccess? Access => _access.Value;
}
