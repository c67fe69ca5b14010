using System.Text.Json;
using MedCam.Fhir.Model;
using MedCam.Fhir.Primitives;

namespace MedCam.Fhir.Serialization;

/// <summary>
/// Checks run before any resource is written: the R4 invariants the record types cannot enforce, and the JSON rule
/// that elements are never empty (R4 json.html: no <c>null</c>, <c>""</c>, <c>[]</c> or <c>{}</c>) and that strings hold
/// only the characters R4 allows.
/// </summary>
public static class FhirRules
{
    public static IReadOnlyList<string> Check(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var problems = new List<string>();
        CheckResource(resource, resource.ResourceType, problems);
        return problems;
    }

    /// <summary>Finds empty strings, arrays, objects and nulls in written FHIR JSON, by JSON path.</summary>
    public static IReadOnlyList<string> FindEmptyElements(JsonElement element)
    {
        var problems = new List<string>();
        Walk(element, "$", problems);
        return problems;
    }

    private static void Walk(JsonElement element, string path, List<string> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                problems.Add($"{path} is null");
                break;
            case JsonValueKind.String when element.GetString()!.Trim().Length == 0:
                problems.Add($"{path} is an empty or blank string");
                break;
            case JsonValueKind.String when !FhirText.IsValidString(element.GetString()!):
                problems.Add($"{path} holds a control character or whitespace other than space, tab, CR, LF");
                break;
            case JsonValueKind.Array when element.GetArrayLength() == 0:
                problems.Add($"{path} is an empty array");
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{i++}]", problems);
                }

                break;
            case JsonValueKind.Object:
                var any = false;
                foreach (var property in element.EnumerateObject())
                {
                    any = true;
                    Walk(property.Value, $"{path}.{property.Name}", problems);
                }

                if (!any)
                {
                    problems.Add($"{path} is an empty object");
                }

                break;
            default:
                break;
        }
    }

    private static void CheckResource(Resource resource, string path, List<string> problems)
    {
        switch (resource)
        {
            case Bundle bundle:
                CheckBundle(bundle, path, problems);
                break;
            case Observation observation:
                CheckValueChoice(path, problems, observation.ValueQuantity, observation.ValueCodeableConcept,
                    observation.ValueString, observation.DataAbsentReason);
                var c = 0;
                foreach (var component in observation.Component ?? [])
                {
                    CheckValueChoice($"{path}.component[{c++}]", problems, component.ValueQuantity,
                        component.ValueCodeableConcept, component.ValueString, component.DataAbsentReason);
                }

                if (observation.EffectiveDateTime is not null && observation.EffectivePeriod is not null)
                {
                    problems.Add($"{path}: only one of effectiveDateTime and effectivePeriod may be present");
                }

                break;
            case DiagnosticReport report when report.EffectiveDateTime is not null && report.EffectivePeriod is not null:
                problems.Add($"{path}: only one of effectiveDateTime and effectivePeriod may be present");
                break;
            case Provenance provenance when provenance.OccurredDateTime is not null && provenance.OccurredPeriod is not null:
                problems.Add($"{path}: only one of occurredDateTime and occurredPeriod may be present");
                break;
            case Provenance provenance when provenance.Target.Count == 0 || provenance.Agent.Count == 0:
                problems.Add($"{path}: Provenance needs at least one target and one agent");
                break;
            default:
                break;
        }
    }

    private static void CheckValueChoice(string path, List<string> problems, Quantity? quantity,
        CodeableConcept? concept, string? text, CodeableConcept? absentReason)
    {
        var values = (quantity is null ? 0 : 1) + (concept is null ? 0 : 1) + (text is null ? 0 : 1);
        if (values > 1)
        {
            problems.Add($"{path}: value[x] is a choice; set only one of valueQuantity, valueCodeableConcept, valueString");
        }

        // obs-6: dataAbsentReason SHALL only be present if value[x] is not present.
        if (values > 0 && absentReason is not null)
        {
            problems.Add($"{path}: dataAbsentReason is only allowed without a value (obs-6)");
        }
    }

    private static void CheckBundle(Bundle bundle, string path, List<string> problems)
    {
        var fullUrls = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var entry in bundle.Entry ?? [])
        {
            var entryPath = $"{path}.entry[{i++}]";
            if (entry.FullUrl is { } fullUrl && !fullUrls.Add(fullUrl.Value))
            {
                problems.Add($"{entryPath}: fullUrl {fullUrl} is used twice (bdl-7)");
            }

            if (bundle.Type is BundleType.Transaction or BundleType.Batch && entry.Request is null)
            {
                problems.Add($"{entryPath}: every {bundle.Type.ToString().ToLowerInvariant()} entry needs a request (bdl-3)");
            }

            if (bundle.Type is BundleType.Transaction && entry.Request is { Method: HttpVerb.Post } && entry.FullUrl is null)
            {
                problems.Add($"{entryPath}: a created entry needs a fullUrl so other entries can reference it");
            }

            if (entry.Request?.IfNoneExist is not null && entry.Request.Method != HttpVerb.Post)
            {
                problems.Add($"{entryPath}: ifNoneExist only applies to POST (conditional create)");
            }

            if (entry.Resource is not null)
            {
                CheckResource(entry.Resource, $"{entryPath}.resource({entry.Resource.ResourceType})", problems);
            }
        }
    }
}
