namespace Security.Csp.Policy;

internal enum CspDirectiveKind
{
    SourceList,
    Sandbox,
    NoValue,
    ReportUri,
    ReportTo,
    OneOf,
    TokenList,
}
