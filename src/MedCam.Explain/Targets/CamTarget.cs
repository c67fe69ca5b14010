namespace MedCam.Explain.Targets;

/// <summary>
/// What a CAM explains for one sample: a scalar function of the model's logits, independent of the method.
/// Gradient methods differentiate <see cref="Score"/> through the model by passing <see cref="Gradient"/> (dScore /
/// dlogits at the sample's logits) as per-sample target weights; for a class target these are one-hot rows, for a
/// linear function they are its coefficients, and for a non-linear function they are its gradient at the actual
/// logits (chain rule: d f(y)/dA = Σ_k ∂f/∂y_k · ∂y_k/∂A, exact at the point of evaluation). Gradient-free methods
/// evaluate <see cref="Score"/> (Ablation-CAM) or <see cref="Probability"/> (Score-CAM) on modified inputs.
/// Data-dependent targets (<see cref="PredictedClass"/>) are resolved once on the unmodified input's logits.
/// </summary>
public abstract class CamTarget
{
    /// <summary>The target to use for a sample whose logits are <paramref name="logits"/> (e.g. argmax for predicted class).</summary>
    public virtual CamTarget Resolve(ReadOnlySpan<float> logits) => this;

    /// <summary>True when <see cref="Resolve"/> needs the logits (costs one extra forward pass before gradients).</summary>
    public virtual bool NeedsLogits => false;

    /// <summary>The class index this target stands for, if it is a single class.</summary>
    public virtual int? ClassIndex => null;

    /// <summary>The pre-softmax scalar y the target explains (e.g. the class logit).</summary>
    public abstract float Score(ReadOnlySpan<float> logits);

    /// <summary>dScore/dlogits at <paramref name="logits"/>, written to <paramref name="weights"/> (length K).</summary>
    public abstract void Gradient(ReadOnlySpan<float> logits, Span<float> weights);

    /// <summary>The "probability" Score-CAM uses: softmax of the class for class targets, <see cref="Score"/> otherwise.</summary>
    public virtual float Probability(ReadOnlySpan<float> logits) => Score(logits);

    public static CamTarget Class(int index) => new ClassTarget(index);

    public static CamTarget Predicted { get; } = new PredictedClass();

    /// <summary>A user function of the logits; the gradient is taken by central differences unless given.</summary>
    public static CamTarget Function(Func<float[], float> function, Func<float[], float[]>? gradient = null, string? name = null) =>
        new LogitFunctionTarget(function, gradient, name);

    internal static float Softmax(ReadOnlySpan<float> logits, int index)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (var v in logits)
        {
            sum += Math.Exp(v - max);
        }

        return (float)(Math.Exp(logits[index] - max) / sum);
    }
}

/// <summary>The logit of a fixed class.</summary>
public sealed class ClassTarget : CamTarget
{
    public ClassTarget(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Index = index;
    }

    public int Index { get; }

    public override int? ClassIndex => Index;

    public override float Score(ReadOnlySpan<float> logits)
    {
        Check(logits.Length);
        return logits[Index];
    }

    public override void Gradient(ReadOnlySpan<float> logits, Span<float> weights)
    {
        Check(logits.Length);
        weights.Clear();
        weights[Index] = 1;
    }

    public override float Probability(ReadOnlySpan<float> logits)
    {
        Check(logits.Length);
        return Softmax(logits, Index);
    }

    public override string ToString() => $"class {Index}";

    private void Check(int classes)
    {
        if (Index >= classes)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), $"Target class {Index} is out of range: the model has {classes} classes (0..{classes - 1}).");
        }
    }
}

/// <summary>The class with the highest logit for each sample, decided on the unmodified input.</summary>
public sealed class PredictedClass : CamTarget
{
    public override bool NeedsLogits => true;

    public override CamTarget Resolve(ReadOnlySpan<float> logits) => new ClassTarget(ArgMax(logits));

    public override float Score(ReadOnlySpan<float> logits) => logits[ArgMax(logits)];

    public override void Gradient(ReadOnlySpan<float> logits, Span<float> weights)
    {
        weights.Clear();
        weights[ArgMax(logits)] = 1;
    }

    public override string ToString() => "predicted class";

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

/// <summary>
/// A user-supplied scalar function of the logits (e.g. <c>y_1 − y_0</c>, or a log-probability). Its gradient with
/// respect to the logits (given, or by central differences with step 1e-3·max(1, |y|)) becomes the target weights.
/// </summary>
public sealed class LogitFunctionTarget : CamTarget
{
    private readonly Func<float[], float> _function;
    private readonly Func<float[], float[]>? _gradient;
    private readonly string _name;

    public LogitFunctionTarget(Func<float[], float> function, Func<float[], float[]>? gradient = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        _gradient = gradient;
        _name = name ?? "function of logits";
    }

    public override bool NeedsLogits => true;

    public override float Score(ReadOnlySpan<float> logits) => _function(logits.ToArray());

    public override void Gradient(ReadOnlySpan<float> logits, Span<float> weights)
    {
        if (_gradient is not null)
        {
            var g = _gradient(logits.ToArray());
            if (g.Length != logits.Length)
            {
                throw new ArgumentException($"The target's gradient function returned {g.Length} values for {logits.Length} logits.");
            }

            g.CopyTo(weights);
            return;
        }

        var x = logits.ToArray();
        for (var k = 0; k < x.Length; k++)
        {
            var h = 1e-3f * Math.Max(1f, Math.Abs(x[k]));
            var saved = x[k];
            x[k] = saved + h;
            var up = (double)_function(x);
            x[k] = saved - h;
            var down = (double)_function(x);
            x[k] = saved;
            weights[k] = (float)((up - down) / (2.0 * h));
        }
    }

    public override string ToString() => _name;
}
