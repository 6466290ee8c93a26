namespace Security.Auth.Internal;

/// <summary>An Identity user type whose sign-ins <c>AddLoginThrottling()</c> on the Identity builder throttles.</summary>
internal sealed record ThrottledIdentityUser(Type UserType);
