namespace MedCam.Fhir;

/// <summary>Code system and identifier system URIs MedCam writes (R4 terminology, DICOM-on-FHIR guidance).</summary>
public static class FhirSystems
{
    /// <summary>Identifier system for DICOM UIDs; the value is <c>urn:oid:&lt;UID&gt;</c>.</summary>
    public const string DicomUid = "urn:dicom:uid";

    /// <summary>Identifier system for values that are themselves URIs (here: <c>urn:uuid:</c> identifiers).</summary>
    public const string Rfc3986 = "urn:ietf:rfc:3986";

    public const string Ucum = "http://unitsofmeasure.org";

    public const string Loinc = "http://loinc.org";

    public const string SnomedCt = "http://snomed.info/sct";

    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    /// <summary>HL7 v2 table 0074 "diagnostic service section": RAD, PAT, SP, …</summary>
    public const string DiagnosticServiceSection = "http://terminology.hl7.org/CodeSystem/v2-0074";

    public const string MediaType = "http://terminology.hl7.org/CodeSystem/media-type";

    /// <summary>v3 ObservationValue: holds the security label <c>AIAST</c> (artificial-intelligence asserted).</summary>
    public const string V3ObservationValue = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    public const string ProvenanceParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    public const string V3DataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

    /// <summary>DICOM controlled terminology (DCM), e.g. modality codes.</summary>
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";

    /// <summary>MedCam's own tag system: code = the result's deterministic UUID, used to find a re-run's Provenance.</summary>
    public const string MedCamResult = "urn:medcam:result";
}
