using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Bundle.</summary>
public sealed record Bundle : Resource
{
    public Identifier? Identifier { get; init; }

    public required BundleType Type { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public uint? Total { get; init; }

    public IReadOnlyList<BundleEntry>? Entry { get; init; }
}

/// <summary>R4 Bundle.entry.</summary>
public sealed record BundleEntry
{
    public FhirUri? FullUrl { get; init; }

    public Resource? Resource { get; init; }

    public BundleEntryRequest? Request { get; init; }

    public BundleEntryResponse? Response { get; init; }
}

/// <summary>R4 Bundle.entry.request: how a transaction entry is processed.</summary>
public sealed record BundleEntryRequest
{
    public required HttpVerb Method { get; init; }

    public required FhirUri Url { get; init; }

    public string? IfNoneMatch { get; init; }

    public DateTimeOffset? IfModifiedSince { get; init; }

    public string? IfMatch { get; init; }

    /// <summary>Search query (without <c>?</c>) that makes a POST a conditional create (R4 http.html#ccreate).</summary>
    public string? IfNoneExist { get; init; }
}

/// <summary>R4 Bundle.entry.response: what the server did with a transaction entry.</summary>
public sealed record BundleEntryResponse
{
    public required string Status { get; init; }

    public FhirUri? Location { get; init; }

    public string? Etag { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    public Resource? Outcome { get; init; }
}
