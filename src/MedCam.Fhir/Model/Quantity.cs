using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Model;

/// <summary>R4 Quantity. <see cref="Value"/> is a <see cref="decimal"/> so its written precision is kept (0.870 stays 0.870).</summary>
public sealed record Quantity
{
    public decimal? Value { get; init; }

    public QuantityComparator? Comparator { get; init; }

    public string? Unit { get; init; }

    public FhirUri? System { get; init; }

    public FhirCode? Code { get; init; }

    /// <summary>A dimensionless UCUM quantity (unit <c>1</c>), e.g. a probability.</summary>
    public static Quantity Dimensionless(decimal value) => new()
    {
        Value = value,
        Unit = "1",
        System = new FhirUri(FhirSystems.Ucum),
        Code = new FhirCode("1"),
    };
}
