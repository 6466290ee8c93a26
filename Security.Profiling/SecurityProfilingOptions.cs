namespace Security.Profiling;

/// <summary>
/// Options of per-request profiling (<c>Security:Profiling</c> in configuration).
/// </summary>
/// <example>
/// <code>
/// "Security": { "Profiling": { "Enabled": true, "HeaderName": "X-Profile", "AuthorizationPolicy": "Admins" } }
/// </code>
/// </example>
public sealed class SecurityProfilingOptions
{
    /// <summary>The configuration section bound by <c>AddSecurityProfiling</c>: <c>Security:Profiling</c>.</summary>
    public const string SectionName = "Security:Profiling";

    /// <summary>
    /// Whether profiling is on. Default <see langword="false"/>: <c>UseSecurityProfiling()</c> then
    /// adds nothing to the pipeline and the profiles page answers 404.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The request header that asks for a profile; its presence is enough, whatever its value.
    /// Default <c>X-Profile</c>.
    /// </summary>
    public string HeaderName { get; set; } = "X-Profile";

    /// <summary>
    /// The name of an authorization policy the caller must satisfy to be profiled, e.g. <c>Admins</c>.
    /// When set, the policy alone decides (remote callers it authorizes are profiled). Default
    /// <see langword="null"/>: only local callers (loopback address, no proxy headers) are profiled.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// How many of the latest profiles the profiles page (<c>MapSecurityProfiles</c>) keeps in
    /// memory; older ones are dropped. Default 50; 0 keeps none.
    /// </summary>
    public int MaxStoredProfiles { get; set; } = 50;

    /// <summary>
    /// The most SQL commands, and the most activities, one profile records; the rest are counted
    /// but not kept, so a request running a million queries cannot exhaust memory. Default 500.
    /// </summary>
    public int MaxEntriesPerProfile { get; set; } = 500;

    /// <summary>
    /// Whether a profiled request's call stacks are sampled, for its top functions by inclusive and
    /// exclusive samples. Default <see langword="false"/>. Needs the <c>Security.Profiling.Sampling</c>
    /// package and <c>services.AddSecurityProfiling().AddSampling()</c>; one request is sampled at a time,
    /// and the runtime pauses every thread about once a millisecond while it samples.
    /// </summary>
    public bool CpuSampling { get; set; }

    /// <summary>How many methods each top-functions list shows (1..1000). Default 20.</summary>
    public int TopFunctions { get; set; } = 20;
}
