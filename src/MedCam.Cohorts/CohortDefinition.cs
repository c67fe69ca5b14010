using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedCam.Cohorts;

/// <summary>
/// A research cohort run (pipelines/cohort-*.yaml): which cases (a manifest CSV, or every study folder under a root),
/// how to explain them (task, model, methods, outputs, device) and where to write. Relative paths are resolved against
/// the folder of the definition file.
/// </summary>
public sealed record CohortDefinition
{
    /// <summary>Name used in reports (default: the definition file's name).</summary>
    public string Name { get; init; } = "cohort";

    /// <summary>CSV with a header: case_id, folder, and optionally label (index) or class_name, lesion_mask (.npy).</summary>
    public string? Manifest { get; init; }

    /// <summary>Without a manifest: every sub-folder of this folder is one case (no labels, no masks).</summary>
    public string? Root { get; init; }

    /// <summary>covid-ct, lung-us or bladder-histo; null: decided per study from modality / SOP class.</summary>
    public string? Task { get; init; }

    /// <summary>A model package folder or model.pt; null: chosen by card from the models folder.</summary>
    public string? Model { get; init; }

    public IReadOnlyList<string> Methods { get; init; } = ["gradcam"];

    /// <summary>Per-case outputs (sc, mfsc, pmap, fhir, nifti, png, npy); npy is always added (the metrics read it).</summary>
    public IReadOnlyList<string> Outputs { get; init; } = ["npy", "png"];

    public string Device { get; init; } = "cpu";

    /// <summary>Output folder: cases/&lt;case_id&gt;/, results.csv, cohort.json, report.md.</summary>
    public string Output { get; init; } = "cohort-output";

    /// <summary>Pointing game tolerance in millimetres where the pipeline reports the voxel spacing (CT), else in pixels.</summary>
    public double PointingToleranceMm { get; init; }

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>Reads and checks a definition file; paths in it become absolute.</summary>
    /// <exception cref="CohortDefinitionException">The file is missing, not YAML, or inconsistent; the message says where.</exception>
    public static CohortDefinition Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new CohortDefinitionException($"{path}: the cohort definition does not exist.");
        }

        CohortDefinition? definition;
        try
        {
            definition = Yaml.Deserialize<Document?>(File.ReadAllText(path))?.ToDefinition();
        }
        catch (YamlException ex)
        {
            throw new CohortDefinitionException($"{path}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        if (definition is null)
        {
            throw new CohortDefinitionException($"{path}: the file is empty.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var named = definition.Name == "cohort" ? definition with { Name = Path.GetFileNameWithoutExtension(path) } : definition;
        return named.ResolvedAgainst(folder).Checked(path);
    }

    /// <summary>The YAML shape (mutable lists for the deserialiser); absent fields keep the record's defaults.</summary>
    private sealed class Document
    {
        public string? Name { get; set; }

        public string? Manifest { get; set; }

        public string? Root { get; set; }

        public string? Task { get; set; }

        public string? Model { get; set; }

        public List<string>? Methods { get; set; }

        public List<string>? Outputs { get; set; }

        public string? Device { get; set; }

        public string? Output { get; set; }

        public double? PointingToleranceMm { get; set; }

        public CohortDefinition ToDefinition()
        {
            var d = new CohortDefinition { Manifest = Manifest, Root = Root, Task = Task, Model = Model };
            return d with
            {
                Name = Name ?? d.Name,
                Methods = Methods ?? d.Methods,
                Outputs = Outputs ?? d.Outputs,
                Device = Device ?? d.Device,
                Output = Output ?? d.Output,
                PointingToleranceMm = PointingToleranceMm ?? d.PointingToleranceMm,
            };
        }
    }

    /// <summary>Makes relative paths absolute against <paramref name="folder"/>.</summary>
    public CohortDefinition ResolvedAgainst(string folder)
    {
        string? Resolve(string? p) => p is null ? null : Path.GetFullPath(p, folder);
        return this with
        {
            Manifest = Resolve(Manifest),
            Root = Resolve(Root),
            Model = Model is null ? null : Resolve(Model),
            Output = Resolve(Output)!,
        };
    }

    /// <summary>Checks the fields; <paramref name="source"/> names the definition in messages.</summary>
    public CohortDefinition Checked(string source = "cohort definition")
    {
        if ((Manifest is null) == (Root is null))
        {
            throw new CohortDefinitionException($"{source}: give exactly one of 'manifest' (a CSV of cases) or 'root' (a folder of study folders).");
        }

        if (Manifest is not null && !File.Exists(Manifest))
        {
            throw new CohortDefinitionException($"{source}: manifest {Manifest} does not exist.");
        }

        if (Root is not null && !Directory.Exists(Root))
        {
            throw new CohortDefinitionException($"{source}: root folder {Root} does not exist.");
        }

        if (Methods.Count == 0)
        {
            throw new CohortDefinitionException($"{source}: 'methods' is empty.");
        }

        if (string.IsNullOrWhiteSpace(Output))
        {
            throw new CohortDefinitionException($"{source}: 'output' is empty.");
        }

        if (PointingToleranceMm < 0 || !double.IsFinite(PointingToleranceMm))
        {
            throw new CohortDefinitionException($"{source}: pointingToleranceMm must be a finite number >= 0.");
        }

        try
        {
            _ = MedCam.Outputs.OutputFormats.Parse(Outputs);
        }
        catch (ArgumentException ex)
        {
            throw new CohortDefinitionException($"{source}: {ex.Message}", ex);
        }

        return this;
    }
}

/// <summary>A cohort definition or manifest that cannot be used; the message names the file and the problem.</summary>
public sealed class CohortDefinitionException : Exception
{
    public CohortDefinitionException(string message)
        : base(message)
    {
    }

    public CohortDefinitionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CohortDefinitionException()
    {
    }
}
