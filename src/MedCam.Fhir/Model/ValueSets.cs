// Required-binding R4 value sets as enums; each member writes its FHIR code. One file: these are pure vocabulary.
using System.Text.Json.Serialization;
using MedCam.Fhir.Serialization;

namespace MedCam.Fhir.Model;

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/identifier-use</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<IdentifierUse>))]
public enum IdentifierUse
{
    [JsonStringEnumMemberName("usual")]
    Usual,

    [JsonStringEnumMemberName("official")]
    Official,

    [JsonStringEnumMemberName("temp")]
    Temp,

    [JsonStringEnumMemberName("secondary")]
    Secondary,

    [JsonStringEnumMemberName("old")]
    Old,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/quantity-comparator</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<QuantityComparator>))]
public enum QuantityComparator
{
    [JsonStringEnumMemberName("<")]
    LessThan,

    [JsonStringEnumMemberName("<=")]
    LessOrEqual,

    [JsonStringEnumMemberName(">=")]
    GreaterOrEqual,

    [JsonStringEnumMemberName(">")]
    GreaterThan,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/bundle-type</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<BundleType>))]
public enum BundleType
{
    [JsonStringEnumMemberName("document")]
    Document,

    [JsonStringEnumMemberName("message")]
    Message,

    [JsonStringEnumMemberName("transaction")]
    Transaction,

    [JsonStringEnumMemberName("transaction-response")]
    TransactionResponse,

    [JsonStringEnumMemberName("batch")]
    Batch,

    [JsonStringEnumMemberName("batch-response")]
    BatchResponse,

    [JsonStringEnumMemberName("history")]
    History,

    [JsonStringEnumMemberName("searchset")]
    Searchset,

    [JsonStringEnumMemberName("collection")]
    Collection,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/http-verb</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<HttpVerb>))]
public enum HttpVerb
{
    [JsonStringEnumMemberName("GET")]
    Get,

    [JsonStringEnumMemberName("HEAD")]
    Head,

    [JsonStringEnumMemberName("POST")]
    Post,

    [JsonStringEnumMemberName("PUT")]
    Put,

    [JsonStringEnumMemberName("DELETE")]
    Delete,

    [JsonStringEnumMemberName("PATCH")]
    Patch,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/observation-status</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<ObservationStatus>))]
public enum ObservationStatus
{
    [JsonStringEnumMemberName("registered")]
    Registered,

    [JsonStringEnumMemberName("preliminary")]
    Preliminary,

    [JsonStringEnumMemberName("final")]
    Final,

    [JsonStringEnumMemberName("amended")]
    Amended,

    [JsonStringEnumMemberName("corrected")]
    Corrected,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    [JsonStringEnumMemberName("entered-in-error")]
    EnteredInError,

    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/diagnostic-report-status</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<DiagnosticReportStatus>))]
public enum DiagnosticReportStatus
{
    [JsonStringEnumMemberName("registered")]
    Registered,

    [JsonStringEnumMemberName("partial")]
    Partial,

    [JsonStringEnumMemberName("preliminary")]
    Preliminary,

    [JsonStringEnumMemberName("final")]
    Final,

    [JsonStringEnumMemberName("amended")]
    Amended,

    [JsonStringEnumMemberName("corrected")]
    Corrected,

    [JsonStringEnumMemberName("appended")]
    Appended,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    [JsonStringEnumMemberName("entered-in-error")]
    EnteredInError,

    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/event-status</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<MediaStatus>))]
public enum MediaStatus
{
    [JsonStringEnumMemberName("preparation")]
    Preparation,

    [JsonStringEnumMemberName("in-progress")]
    InProgress,

    [JsonStringEnumMemberName("not-done")]
    NotDone,

    [JsonStringEnumMemberName("on-hold")]
    OnHold,

    [JsonStringEnumMemberName("stopped")]
    Stopped,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("entered-in-error")]
    EnteredInError,

    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/imagingstudy-status</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<ImagingStudyStatus>))]
public enum ImagingStudyStatus
{
    [JsonStringEnumMemberName("registered")]
    Registered,

    [JsonStringEnumMemberName("available")]
    Available,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    [JsonStringEnumMemberName("entered-in-error")]
    EnteredInError,

    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/device-status</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<DeviceStatus>))]
public enum DeviceStatus
{
    [JsonStringEnumMemberName("active")]
    Active,

    [JsonStringEnumMemberName("inactive")]
    Inactive,

    [JsonStringEnumMemberName("entered-in-error")]
    EnteredInError,

    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/device-nametype</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<DeviceNameType>))]
public enum DeviceNameType
{
    [JsonStringEnumMemberName("udi-label-name")]
    UdiLabelName,

    [JsonStringEnumMemberName("user-friendly-name")]
    UserFriendlyName,

    [JsonStringEnumMemberName("patient-reported-name")]
    PatientReportedName,

    [JsonStringEnumMemberName("manufacturer-name")]
    ManufacturerName,

    [JsonStringEnumMemberName("model-name")]
    ModelName,

    [JsonStringEnumMemberName("other")]
    Other,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/provenance-entity-role</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<ProvenanceEntityRole>))]
public enum ProvenanceEntityRole
{
    [JsonStringEnumMemberName("derivation")]
    Derivation,

    [JsonStringEnumMemberName("revision")]
    Revision,

    [JsonStringEnumMemberName("quotation")]
    Quotation,

    [JsonStringEnumMemberName("source")]
    Source,

    [JsonStringEnumMemberName("removal")]
    Removal,
}

/// <summary>R4 value set <c>http://hl7.org/fhir/ValueSet/issue-severity</c>.</summary>
[JsonConverter(typeof(FhirCodeEnumConverter<IssueSeverity>))]
public enum IssueSeverity
{
    [JsonStringEnumMemberName("fatal")]
    Fatal,

    [JsonStringEnumMemberName("error")]
    Error,

    [JsonStringEnumMemberName("warning")]
    Warning,

    [JsonStringEnumMemberName("information")]
    Information,
}
