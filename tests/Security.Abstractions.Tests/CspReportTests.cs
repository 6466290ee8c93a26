namespace Security.Abstractions.Tests;

public class CspReportTests
{
    private static readonly (string Name, int Max, Func<CspReport, string, CspReport> Set, Func<CspReport, string?> Get)[] Fields =
    [
        ("DocumentUri", CspReport.MaxUriLength, (r, v) => r with { DocumentUri = v }, r => r.DocumentUri),
        ("Referrer", CspReport.MaxUriLength, (r, v) => r with { Referrer = v }, r => r.Referrer),
        ("BlockedUri", CspReport.MaxUriLength, (r, v) => r with { BlockedUri = v }, r => r.BlockedUri),
        ("ViolatedDirective", CspReport.MaxUriLength, (r, v) => r with { ViolatedDirective = v }, r => r.ViolatedDirective),
        ("EffectiveDirective", CspReport.MaxUriLength, (r, v) => r with { EffectiveDirective = v }, r => r.EffectiveDirective),
        ("OriginalPolicy", CspReport.MaxPolicyLength, (r, v) => r with { OriginalPolicy = v }, r => r.OriginalPolicy),
        ("Disposition", CspReport.MaxShortTextLength, (r, v) => r with { Disposition = v }, r => r.Disposition),
        ("SourceFile", CspReport.MaxUriLength, (r, v) => r with { SourceFile = v }, r => r.SourceFile),
        ("Sample", CspReport.MaxShortTextLength, (r, v) => r with { Sample = v }, r => r.Sample),
        ("SenderIp", CspReport.MaxIpLength, (r, v) => r with { SenderIp = v }, r => r.SenderIp),
        ("UserAgent", CspReport.MaxUriLength, (r, v) => r with { UserAgent = v }, r => r.UserAgent),
    ];

    private static IEnumerable<TestCaseData> FieldCases() =>
        Fields.Select((f, i) => new TestCaseData(i).SetArgDisplayNames(f.Name));

    [Test]
    public void Column_sizes_match_the_original_and_the_spec()
    {
        Assert.That(CspReport.MaxUriLength, Is.EqualTo(1000));
        Assert.That(CspReport.MaxIpLength, Is.EqualTo(45));
        Assert.That(CspReport.MaxShortTextLength, Is.EqualTo(256));
        Assert.That(CspReport.MaxPolicyLength, Is.EqualTo(8192));
    }

    [TestCaseSource(nameof(FieldCases))]
    public void Over_long_value_is_cut_to_its_column_size(int field)
    {
        var (_, max, set, get) = Fields[field];
        var value = new string('x', max - 1) + "yz";

        var truncated = set(new CspReport(), value).Truncated();

        Assert.That(get(truncated), Is.EqualTo(value[..max]));
    }

    [TestCaseSource(nameof(FieldCases))]
    public void Value_of_exactly_the_column_size_is_kept(int field)
    {
        var (_, max, set, get) = Fields[field];
        var value = new string('x', max);

        var truncated = set(new CspReport(), value).Truncated();

        Assert.That(get(truncated), Is.SameAs(value));
    }

    [TestCaseSource(nameof(FieldCases))]
    public void Truncation_never_splits_a_surrogate_pair(int field)
    {
        var (_, max, set, get) = Fields[field];
        // The emoji's high surrogate sits at the last kept position: keeping it alone would make
        // text that strict UTF-8 encoders (Npgsql's) refuse, failing the insert.
        var value = new string('x', max - 1) + "\U0001F600" + "tail";

        var truncated = get(set(new CspReport(), value).Truncated());

        Assert.That(truncated, Is.EqualTo(new string('x', max - 1)));
    }

    [Test]
    public void Null_values_and_other_fields_are_kept()
    {
        var report = new CspReport
        {
            Id = 7,
            BlockedUri = "inline",
            LineNumber = 3,
            ColumnNumber = 4,
            StatusCode = 200,
            ReceivedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };

        Assert.That(report.Truncated(), Is.EqualTo(report));
    }
}
