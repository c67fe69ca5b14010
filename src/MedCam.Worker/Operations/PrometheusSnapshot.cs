using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace MedCam.Worker.Operations;

/// <summary>
/// A pull-mode OpenTelemetry exporter: each /metrics request collects the meter provider and renders the batch in the
/// Prometheus text exposition format (counters as _total, histograms as _bucket/_sum/_count).
/// </summary>
public sealed class PrometheusSnapshot : BaseExporter<Metric>
{
    private readonly Lock gate = new();
    private string text = string.Empty;

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var builder = new StringBuilder();
        foreach (var metric in batch)
        {
            Render(builder, metric);
        }

        lock (gate)
        {
            text = builder.ToString();
        }

        return ExportResult.Success;
    }

    /// <summary>Collects through <paramref name="reader"/> and returns the rendered text.</summary>
    public string Scrape(MetricReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        reader.Collect(5000);
        lock (gate)
        {
            return text;
        }
    }

    private static void Render(StringBuilder builder, Metric metric)
    {
        var name = metric.Name.Replace('.', '_').Replace('-', '_');
        var isCounter = metric.MetricType is MetricType.LongSum or MetricType.DoubleSum;
        var isHistogram = metric.MetricType == MetricType.Histogram;
        var kind = isCounter ? "counter" : isHistogram ? "histogram" : "gauge";
        var exposed = isCounter ? name + "_total" : name;
        builder.Append(CultureInfo.InvariantCulture, $"# HELP {exposed} {metric.Description}\n# TYPE {exposed} {kind}\n");
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = new List<string>();
            foreach (var tag in point.Tags)
            {
                labels.Add(string.Create(CultureInfo.InvariantCulture, $"{tag.Key}=\"{tag.Value}\""));
            }

            var labelText = labels.Count == 0 ? string.Empty : "{" + string.Join(',', labels) + "}";
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    builder.Append(CultureInfo.InvariantCulture, $"{exposed}{labelText} {point.GetSumLong()}\n");
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    builder.Append(CultureInfo.InvariantCulture, $"{exposed}{labelText} {point.GetSumDouble()}\n");
                    break;
                case MetricType.LongGauge:
                    builder.Append(CultureInfo.InvariantCulture, $"{exposed}{labelText} {point.GetGaugeLastValueLong()}\n");
                    break;
                case MetricType.DoubleGauge:
                    builder.Append(CultureInfo.InvariantCulture, $"{exposed}{labelText} {point.GetGaugeLastValueDouble()}\n");
                    break;
                case MetricType.Histogram:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : bucket.ExplicitBound.ToString(CultureInfo.InvariantCulture);
                        var bucketLabels = labels.Append($"le=\"{le}\"");
                        builder.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{string.Join(',', bucketLabels)}}} {cumulative}\n");
                    }

                    builder.Append(CultureInfo.InvariantCulture, $"{name}_sum{labelText} {point.GetHistogramSum()}\n");
                    builder.Append(CultureInfo.InvariantCulture, $"{name}_count{labelText} {point.GetHistogramCount()}\n");
                    break;
                default:
                    break;
            }
        }
    }
}
