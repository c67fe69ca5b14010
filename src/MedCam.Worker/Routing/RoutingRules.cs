using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedCam.Worker.Routing;

/// <summary>
/// Routing rules (pipelines/routing.yaml): the first rule whose match fits a series of the study decides the task,
/// model, CAM methods and outputs. Empty match fields match anything; lists match any of their values
/// (case-insensitive); seriesDescription is a regular expression.
/// </summary>
public sealed class RoutingRules
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    public RoutingRules(IReadOnlyList<RoutingRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        for (var i = 0; i < rules.Count; i++)
        {
            rules[i].Validate(i);
        }

        Rules = rules;
    }

    public IReadOnlyList<RoutingRule> Rules { get; }

    public static RoutingRules Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Routing rules file {path} does not exist.", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static RoutingRules Parse(string yaml, string source = "routing rules")
    {
        RoutingDocument? document;
        try
        {
            document = Yaml.Deserialize<RoutingDocument?>(yaml);
        }
        catch (YamlException ex)
        {
            throw new ArgumentException($"{source}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        if (document?.Rules is not { Count: > 0 } rules)
        {
            throw new ArgumentException($"{source}: no rules (expected a 'rules:' list).");
        }

        try
        {
            return new RoutingRules(rules);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{source}: {ex.Message}", ex);
        }
    }

    /// <summary>The first rule matching any of the study's series (series in the order given), or null.</summary>
    public RoutingDecision? Decide(IReadOnlyList<SeriesSummary> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        foreach (var rule in Rules)
        {
            foreach (var s in series)
            {
                if (rule.Match.Matches(s))
                {
                    return new RoutingDecision(rule.Name, rule.Task, rule.Model, rule.Methods, rule.Outputs, s.SeriesInstanceUid);
                }
            }
        }

        return null;
    }

    private sealed class RoutingDocument
    {
        public List<RoutingRule> Rules { get; set; } = [];
    }
}

/// <summary>One rule of routing.yaml.</summary>
public sealed class RoutingRule
{
    public string Name { get; set; } = string.Empty;

    public RoutingMatch Match { get; set; } = new();

    public string Task { get; set; } = string.Empty;

    public string? Model { get; set; }

    public List<string> Methods { get; set; } = [];

    public List<string> Outputs { get; set; } = ["sc", "fhir"];

    internal void Validate(int index)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            Name = $"rule-{index + 1}";
        }

        if (string.IsNullOrWhiteSpace(Task))
        {
            throw new ArgumentException($"rule '{Name}' has no task.");
        }

        if (Outputs.Count == 0)
        {
            throw new ArgumentException($"rule '{Name}' has no outputs.");
        }

        Match.Compile(Name);
    }
}

/// <summary>What a series must look like for a rule to apply.</summary>
public sealed class RoutingMatch
{
    private Regex? description;

    public List<string> Modality { get; set; } = [];

    public List<string> SopClass { get; set; } = [];

    public List<string> BodyPart { get; set; } = [];

    public string? SeriesDescription { get; set; }

    public bool Matches(SeriesSummary series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return Fits(Modality, series.Modality)
            && Fits(SopClass, series.SopClassUid)
            && Fits(BodyPart, series.BodyPartExamined)
            && (description is null || description.IsMatch(series.SeriesDescription ?? string.Empty));
    }

    internal void Compile(string ruleName)
    {
        if (string.IsNullOrEmpty(SeriesDescription))
        {
            description = null;
            return;
        }

        try
        {
            description = new Regex(SeriesDescription, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"rule '{ruleName}': seriesDescription '{SeriesDescription}' is not a valid regular expression ({ex.Message}).", ex);
        }
    }

    private static bool Fits(List<string> allowed, string? value) =>
        allowed.Count == 0 || (value is not null && allowed.Any(a => string.Equals(a.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase)));
}

/// <summary>The header facts routing looks at, one per series (no patient data).</summary>
public sealed record SeriesSummary(string SeriesInstanceUid, string? Modality, string? SopClassUid, string? BodyPartExamined, string? SeriesDescription, int Instances);

/// <summary>What to run on a study: the rule that matched, and the series it matched.</summary>
public sealed record RoutingDecision(string Rule, string Task, string? Model, IReadOnlyList<string> Methods, IReadOnlyList<string> Outputs, string SeriesInstanceUid);
