using System.Globalization;
using MedCam.Fhir.Model;
using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Results;

/// <summary>
/// Turns one <see cref="AiExplanationResult"/> into one FHIR R4 transaction Bundle (docs/fhir.md):
/// Device (the algorithm), a Media per heatmap instance (+ one for a rendered PNG), the classification Observation,
/// the DiagnosticReport and a Provenance. Every entry is a conditional create keyed on an identifier derived from
/// DICOM UIDs, so posting the Bundle of a re-run creates nothing new. The ImagingStudy is referenced logically by
/// its Study Instance UID, never created: the PACS (or its FHIR facade) owns it.
/// </summary>
public static class ExplanationBundleBuilder
{
    /// <summary>Probabilities are written with this many decimals (trailing zeros kept: 0.8700).</summary>
    public const int ProbabilityDecimals = 4;

    private static readonly Coding AiAssertedLabel =
        Coding.Of(FhirSystems.V3ObservationValue, "AIAST", "Artificial Intelligence asserted");

    /// <summary>The result's own UUID: the same inputs always give the same one (used for identifiers and tags).</summary>
    public static Guid ResultId(AiExplanationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return DeterministicUuid.Create("result|" + ResultKey(WithReadableText(result)));
    }

    /// <exception cref="ArgumentException">The result is incomplete or inconsistent; the message names the field.</exception>
    public static Bundle Build(AiExplanationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result = WithReadableText(result);
        Check(result);

        var key = ResultKey(result);
        var resultId = DeterministicUuid.Create("result|" + key);
        var resultTag = Coding.Of(FhirSystems.MedCamResult, resultId.ToString("D"));
        var aiMeta = new Meta { Security = [AiAssertedLabel], Tag = [resultTag] };

        var subject = SubjectReference(result.Patient);
        var studyIdentifier = Identifier.Of(new FhirUri(FhirSystems.DicomUid), FhirUri.FromDicomUid(result.StudyInstanceUid).Value);
        var studyReference = ResourceReference.ByIdentifier(nameof(ImagingStudy), studyIdentifier);
        var bodySite = result.BodySite?.ToCodeableConcept();

        var entries = new List<BundleEntry>();

        // The algorithm. Device UID identifies a model version, so a new version is a new Device.
        var deviceIdentifier = Identifier.Of(new FhirUri(FhirSystems.DicomUid), FhirUri.FromDicomUid(result.Algorithm.DeviceUid).Value);
        var deviceUrl = FhirUri.FromUuid(DeterministicUuid.Create("device|" + result.Algorithm.DeviceUid));
        entries.Add(Create(deviceUrl, deviceIdentifier, new Device
        {
            Identifier = [deviceIdentifier],
            Status = DeviceStatus.Active,
            Manufacturer = result.Algorithm.Manufacturer,
            DeviceName = [new DeviceName { Name = result.Algorithm.Name, Type = DeviceNameType.ModelName }],
            Type = CodeableConcept.FromText("AI image classification and explanation software"),
            Version = [new DeviceVersion { Value = result.Algorithm.Version }],
        }));
        var deviceReference = ResourceReference.To(deviceUrl) with { Display = $"{result.Algorithm.Name} {result.Algorithm.Version}" };

        var imageType = CodeableConcept.Of(FhirSystems.MediaType, "image", "Image");
        var created = FhirDateTime.FromDateTimeOffset(result.CompletedAt);
        var mediaReferences = new List<ResourceReference>();
        var reportMedia = new List<DiagnosticReportMedia>();
        void AddMedia(FhirUri url, Identifier identifier, uint? height, uint? width, uint? frames, Attachment content, string comment)
        {
            entries.Add(Create(url, identifier, new Media
            {
                Meta = aiMeta,
                Identifier = [identifier],
                Status = MediaStatus.Completed,
                Type = imageType,
                Subject = subject,
                CreatedDateTime = created,
                BodySite = bodySite,
                Device = deviceReference,
                Height = height,
                Width = width,
                Frames = frames,
                Content = content,
            }));
            mediaReferences.Add(ResourceReference.To(url));
            reportMedia.Add(new DiagnosticReportMedia { Comment = comment, Link = ResourceReference.To(url) });
        }

        foreach (var heatmap in result.Heatmaps)
        {
            var identifier = Identifier.Of(new FhirUri(FhirSystems.DicomUid), FhirUri.FromDicomUid(heatmap.SopInstanceUid).Value);
            var url = FhirUri.FromUuid(DeterministicUuid.Create("media|" + heatmap.SopInstanceUid));
            AddMedia(url, identifier, heatmap.Rows, heatmap.Columns, heatmap.Frames, new Attachment
            {
                ContentType = new FhirCode("application/dicom"),
                Url = WadoRsUrl(result.DicomWebBaseUrl, heatmap),
                Title = $"{result.Method} heatmap for {result.TargetClass} (DICOM SOP Instance {heatmap.SopInstanceUid})",
            }, $"{result.Method} heatmap for target class {result.TargetClass}");
        }

        if (result.RenderedPng is { } png)
        {
            var pngId = DeterministicUuid.Create("rendered-png|" + key);
            var identifier = Identifier.Of(new FhirUri(FhirSystems.Rfc3986), FhirUri.FromUuid(pngId).Value);
            AddMedia(FhirUri.FromUuid(pngId), identifier, png.Height, png.Width, null, new Attachment
            {
                ContentType = new FhirCode("image/png"),
                Data = png.Data,
                Url = png.Url is null ? null : new FhirUri(png.Url.AbsoluteUri),
                Title = png.Title ?? $"{result.Method} heatmap for {result.TargetClass} (rendered preview)",
            }, "Rendered preview");
        }

        var observationId = DeterministicUuid.Create("observation|" + key);
        var observationIdentifier = Identifier.Of(new FhirUri(FhirSystems.Rfc3986), FhirUri.FromUuid(observationId).Value);
        var observationUrl = FhirUri.FromUuid(observationId);
        entries.Add(Create(observationUrl, observationIdentifier, new Observation
        {
            Meta = aiMeta,
            Identifier = [observationIdentifier],
            Status = result.Status == ResultStatus.Final ? ObservationStatus.Final : ObservationStatus.Preliminary,
            Category = [CodeableConcept.Of(FhirSystems.ObservationCategory, "imaging", "Imaging")],
            Code = result.FindingCode?.ToCodeableConcept()
                ?? CodeableConcept.FromText($"AI classification by {result.Algorithm.Name}"),
            Subject = subject,
            EffectiveDateTime = result.StudyDateTime ?? created,
            Issued = result.CompletedAt,
            ValueCodeableConcept = ClassConcept(result, result.PredictedClass),
            BodySite = bodySite,
            Method = CodeableConcept.FromText(
                $"AI classifier {result.Algorithm.Name} {result.Algorithm.Version}; explanation {result.Method} for target class {result.TargetClass}"),
            Device = deviceReference,
            DerivedFrom = [studyReference, .. mediaReferences],
            Component =
            [
                .. result.Probabilities.Select(p => new ObservationComponent
                {
                    Code = p.Code?.ToCodeableConcept($"Probability of {p.Label}")
                        ?? CodeableConcept.FromText($"Probability of {p.Label}"),
                    ValueQuantity = Quantity.Dimensionless(ToDecimal(p.Probability)),
                }),
                new ObservationComponent
                {
                    Code = CodeableConcept.FromText("Explained target class"),
                    ValueCodeableConcept = ClassConcept(result, result.TargetClass),
                },
            ],
        }));

        var reportId = DeterministicUuid.Create("diagnostic-report|" + key);
        var reportIdentifier = Identifier.Of(new FhirUri(FhirSystems.Rfc3986), FhirUri.FromUuid(reportId).Value);
        var reportUrl = FhirUri.FromUuid(reportId);
        var pathology = result.Discipline == ReportDiscipline.Pathology;
        entries.Add(Create(reportUrl, reportIdentifier, new DiagnosticReport
        {
            Meta = aiMeta,
            Identifier = [reportIdentifier],
            Status = result.Status == ResultStatus.Final ? DiagnosticReportStatus.Final : DiagnosticReportStatus.Preliminary,
            Category = [pathology
                ? CodeableConcept.Of(FhirSystems.DiagnosticServiceSection, "PAT", "Pathology (gross & histopath, not surgical)")
                : CodeableConcept.Of(FhirSystems.DiagnosticServiceSection, "RAD", "Radiology")],
            Code = pathology
                ? CodeableConcept.Of(FhirSystems.Loinc, "11526-1", "Pathology study")
                : CodeableConcept.Of(FhirSystems.Loinc, "18748-4", "Diagnostic imaging study"),
            Subject = subject,
            EffectiveDateTime = result.StudyDateTime ?? created,
            Issued = result.CompletedAt,
            Result = [ResourceReference.To(observationUrl)],
            ImagingStudy = [studyReference],
            Media = reportMedia,
            Conclusion = Conclusion(result),
        }));

        var provenanceId = DeterministicUuid.Create("provenance|" + key);
        var provenanceUrl = FhirUri.FromUuid(provenanceId);
        entries.Add(new BundleEntry
        {
            FullUrl = provenanceUrl,
            // R4 Provenance has no identifier element: a re-run is recognised by the result tag instead.
            Resource = new Provenance
            {
                Meta = new Meta { Tag = [resultTag] },
                Target = [ResourceReference.To(reportUrl), ResourceReference.To(observationUrl), .. mediaReferences],
                Recorded = result.CompletedAt,
                Activity = CodeableConcept.Of(FhirSystems.V3DataOperation, "CREATE", "create"),
                Agent =
                [
                    new ProvenanceAgent
                    {
                        Type = CodeableConcept.Of(FhirSystems.ProvenanceParticipantType, "author", "Author"),
                        Who = deviceReference,
                    },
                ],
                Entity = [new ProvenanceEntity { Role = ProvenanceEntityRole.Source, What = studyReference }],
            },
            Request = new BundleEntryRequest
            {
                Method = HttpVerb.Post,
                Url = new FhirUri(nameof(Provenance)),
                IfNoneExist = "_tag=" + Escape(FhirSystems.MedCamResult) + "|" + Escape(resultId.ToString("D")),
            },
        });

        return new Bundle { Type = BundleType.Transaction, Entry = entries };
    }

    // Names and labels come from model packages and users: fold odd whitespace and control characters into spaces
    // so they are valid FHIR strings. Identifiers (Patient ID, UIDs) are never altered; they are checked instead.
    private static AiExplanationResult WithReadableText(AiExplanationResult result)
    {
        static string? Clean(string? text) => text is null ? null : FhirText.Normalize(text);

        return result with
        {
            Algorithm = result.Algorithm is null ? null! : result.Algorithm with
            {
                Name = Clean(result.Algorithm.Name)!,
                Version = Clean(result.Algorithm.Version)!,
                Manufacturer = Clean(result.Algorithm.Manufacturer)!,
            },
            Method = Clean(result.Method)!,
            TargetClass = Clean(result.TargetClass)!,
            PredictedClass = Clean(result.PredictedClass)!,
            Probabilities = result.Probabilities?.Select(p => p with { Label = Clean(p.Label)! }).ToList()!,
            Conclusion = Clean(result.Conclusion),
        };
    }

    private static BundleEntry Create(FhirUri fullUrl, Identifier identifier, Resource resource) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new BundleEntryRequest
        {
            Method = HttpVerb.Post,
            Url = new FhirUri(resource.ResourceType),
            IfNoneExist = "identifier=" + Escape(identifier.System!.Value.Value) + "|" + Escape(identifier.Value!),
        },
    };

    // Search parameter values are URL query components: escape each part, keep the token separator '|'.
    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static ResourceReference SubjectReference(PatientLink patient)
    {
        if (!string.IsNullOrWhiteSpace(patient.FhirPatientId))
        {
            return new ResourceReference { Reference = "Patient/" + new FhirId(patient.FhirPatientId).Value };
        }

        return ResourceReference.ByIdentifier("Patient", Identifier.Of(new FhirUri(patient.IdentifierSystem), patient.PatientId));
    }

    private static CodeableConcept ClassConcept(AiExplanationResult result, string label)
    {
        var code = result.Probabilities.FirstOrDefault(p => p.Label == label)?.Code;
        return code?.ToCodeableConcept(label) ?? CodeableConcept.FromText(label);
    }

    private static FhirUri? WadoRsUrl(Uri? baseUrl, HeatmapInstance heatmap)
    {
        if (baseUrl is null)
        {
            return null;
        }

        // PS3.18 10.4.1: {base}/studies/{study}/series/{series}/instances/{instance}
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        return new FhirUri($"{root}/studies/{heatmap.StudyInstanceUid}/series/{heatmap.SeriesInstanceUid}/instances/{heatmap.SopInstanceUid}");
    }

    private static decimal ToDecimal(double probability)
    {
        var rounded = Math.Round((decimal)probability, ProbabilityDecimals, MidpointRounding.AwayFromZero);
        // Adding a zero with the target scale keeps the trailing zeros, so every probability has the same precision.
        return rounded + new decimal(0, 0, 0, false, ProbabilityDecimals);
    }

    private static string Conclusion(AiExplanationResult result)
    {
        var top = result.Probabilities.FirstOrDefault(p => p.Label == result.PredictedClass);
        var probability = top is null ? string.Empty
            : " (probability " + ToDecimal(top.Probability).ToString(CultureInfo.InvariantCulture) + ")";
        var generated =
            $"AI-generated result, not reviewed by a physician: {result.Algorithm.Name} {result.Algorithm.Version} " +
            $"classified the study as {result.PredictedClass}{probability}; {result.Method} heatmap for target class " +
            $"{result.TargetClass}. Not for diagnostic use.";
        if (string.IsNullOrWhiteSpace(result.Conclusion))
        {
            return generated;
        }

        return result.Conclusion.Contains("AI", StringComparison.Ordinal)
            ? result.Conclusion.Trim()
            : "AI-generated result: " + result.Conclusion.Trim();
    }

    private static string ResultKey(AiExplanationResult result)
    {
        // Sorted so the key does not depend on the order the heatmaps were listed in.
        var instances = string.Join(',', result.Heatmaps.Select(h => h.SopInstanceUid).Order(StringComparer.Ordinal));
        return $"study={result.StudyInstanceUid}|device={result.Algorithm.DeviceUid}|method={result.Method}" +
            $"|target={result.TargetClass}|instances={instances}";
    }

    private static void Check(AiExplanationResult result)
    {
        static void Require(string? value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"The AI explanation result has no {name}.", nameof(result));
            }
        }

        Require(result.StudyInstanceUid, "StudyInstanceUid");
        Require(result.Patient?.PatientId, "Patient.PatientId");
        Require(result.Patient?.IdentifierSystem, "Patient.IdentifierSystem");
        Require(result.Algorithm?.Name, "Algorithm.Name");
        Require(result.Algorithm?.Version, "Algorithm.Version");
        Require(result.Algorithm?.Manufacturer, "Algorithm.Manufacturer");
        Require(result.Algorithm?.DeviceUid, "Algorithm.DeviceUid");
        Require(result.Method, "Method");
        Require(result.TargetClass, "TargetClass");
        Require(result.PredictedClass, "PredictedClass");

        // Throws FhirFormatException naming the bad UID.
        _ = FhirUri.FromDicomUid(result.StudyInstanceUid);
        _ = FhirUri.FromDicomUid(result.Algorithm!.DeviceUid);
        foreach (var heatmap in result.Heatmaps ?? throw new ArgumentException("Heatmaps is null.", nameof(result)))
        {
            _ = FhirUri.FromDicomUid(heatmap.StudyInstanceUid);
            _ = FhirUri.FromDicomUid(heatmap.SeriesInstanceUid);
            _ = FhirUri.FromDicomUid(heatmap.SopInstanceUid);
            _ = FhirUri.FromDicomUid(heatmap.SopClassUid);
        }

        if (result.Probabilities is null || result.Probabilities.Count == 0)
        {
            throw new ArgumentException("The AI explanation result has no class probabilities.", nameof(result));
        }

        foreach (var p in result.Probabilities)
        {
            Require(p.Label, "class label");
            if (!double.IsFinite(p.Probability) || p.Probability < 0 || p.Probability > 1)
            {
                throw new ArgumentException(
                    $"Probability of class '{p.Label}' is {p.Probability.ToString(CultureInfo.InvariantCulture)}, outside [0, 1].",
                    nameof(result));
            }
        }

        if (result.Probabilities.Select(p => p.Label).Distinct(StringComparer.Ordinal).Count() != result.Probabilities.Count)
        {
            throw new ArgumentException("Class labels in Probabilities must be unique.", nameof(result));
        }

        if (result.RenderedPng is { Data: null, Url: null })
        {
            throw new ArgumentException("RenderedPng needs Data or Url.", nameof(result));
        }
    }
}
