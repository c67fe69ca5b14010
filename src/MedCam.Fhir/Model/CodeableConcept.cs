namespace MedCam.Fhir.Model;

/// <summary>R4 CodeableConcept: codings for the same concept plus the text a person reads.</summary>
public sealed record CodeableConcept
{
    public IReadOnlyList<Coding>? Coding { get; init; }

    public string? Text { get; init; }

    public static CodeableConcept Of(string system, string code, string? display = null, string? text = null) =>
        new() { Coding = [Model.Coding.Of(system, code, display)], Text = text };

    public static CodeableConcept FromText(string text) => new() { Text = text };
}
