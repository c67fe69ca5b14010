namespace MedCam.Fhir.Model;

/// <summary>R4 Device: here, the AI algorithm (model name, version, manufacturer, DICOM Device UID).</summary>
public sealed record Device : Resource
{
    public IReadOnlyList<Identifier>? Identifier { get; init; }

    public DeviceStatus? Status { get; init; }

    public string? Manufacturer { get; init; }

    public IReadOnlyList<DeviceName>? DeviceName { get; init; }

    public string? ModelNumber { get; init; }

    public CodeableConcept? Type { get; init; }

    public IReadOnlyList<DeviceVersion>? Version { get; init; }

    public ResourceReference? Owner { get; init; }
}

/// <summary>R4 Device.deviceName.</summary>
public sealed record DeviceName
{
    public required string Name { get; init; }

    public required DeviceNameType Type { get; init; }
}

/// <summary>R4 Device.version.</summary>
public sealed record DeviceVersion
{
    public CodeableConcept? Type { get; init; }

    public Identifier? Component { get; init; }

    public required string Value { get; init; }
}
