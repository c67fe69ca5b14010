using System.Globalization;
using System.Text;

namespace MedCam.Outputs;

/// <summary>
/// What a CAM explains and how it was made: the model, the CAM method, the target class and its probability, and
/// the method's parameters. These (with the source) decide the deterministic UIDs of every derived object.
/// </summary>
public sealed record ExplanationDescription
{
    public required ModelIdentity Model { get; init; }

    /// <summary>CAM method as people write it, e.g. "Grad-CAM".</summary>
    public required string Method { get; init; }

    /// <summary>The class the map explains, e.g. "COVID-19".</summary>
    public required string TargetClass { get; init; }

    /// <summary>Model probability of <see cref="TargetClass"/>, in [0, 1]; null when unknown.</summary>
    public double? Probability { get; init; }

    /// <summary>The class the model predicted; <see cref="TargetClass"/> when not given.</summary>
    public string? PredictedClass { get; init; }

    /// <summary>Probability of every output class (label, p) for reports; built from the target alone when empty.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> ClassProbabilities { get; init; } = [];

    /// <summary>Method parameters (target layer, smoothing, ...); part of the UID key, order-independent.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Parameters as "k=v;k=v" sorted by key (ordinal), so the UID key does not depend on dictionary order.</summary>
    public string CanonicalParameters =>
        string.Join(';', Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    /// <summary>Derivation Description (0008,2111, ST): method, model, target and probability in one line.</summary>
    public string DerivationDescription
    {
        get
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"AI heatmap: {Method} of {Model.Name} {Model.Version} ({Model.Manufacturer}) for class {TargetClass}");
            if (Probability is { } p)
            {
                text.Append(CultureInfo.InvariantCulture, $", p={p:0.0000}");
            }

            if (Parameters.Count > 0)
            {
                text.Append("; parameters ").Append(CanonicalParameters);
            }

            text.Append(". Research use only, not for diagnosis.");
            return text.ToString();
        }
    }

    /// <summary>Checks the values a derived object needs; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Method))
        {
            throw new ArgumentException("The CAM method name is empty.");
        }

        if (string.IsNullOrWhiteSpace(TargetClass))
        {
            throw new ArgumentException("The target class is empty.");
        }

        if (Probability is { } p && (!double.IsFinite(p) || p < 0 || p > 1))
        {
            throw new ArgumentException($"Probability {p} is outside [0, 1].");
        }
    }
}
