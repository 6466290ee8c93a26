namespace Security.Auth;

/// <summary>
/// Lets users whose password has expired reach this MVC controller or action, or Razor Pages page model, without
/// being sent to the change page. Minimal APIs use <c>.AllowExpiredPassword()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AllowExpiredPasswordAttribute : Attribute, IAllowExpiredPasswordMetadata
{
}
