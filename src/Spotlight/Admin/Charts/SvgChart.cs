using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Spotlight.Admin.Dashboard;

namespace Spotlight.Admin.Charts;

/// <summary>
/// Draws a line or bar chart as inline SVG on the server: axes, gridlines, tick labels, and a <c>&lt;title&gt;</c> on
/// every point (the browser's tooltip, and what a screen reader reads). Styling is by class and presentation attributes
/// only, so it needs no inline style and passes the console's CSP. No script.
/// </summary>
public static class SvgChart
{
    private const int Height = 240;
    private static readonly int[] NiceFactors = [1, 2, 5, 10];
    private const int Left = 76;
    private const int Right = 28;
    private const int Top = 14;
    private const int Bottom = 36;

    public static IHtmlContent Render(DashboardChart chart)
    {
        var id = "chart-" + chart.Key.Replace('.', '-');
        var points = chart.Points;
        // Many bars get a wider drawing, so it is not scaled up (and its text with it) when it spans the page.
        var width = chart.Kind == ChartKind.Bar && points.Count > 12 ? 800 : 560;
        var (step, ticks) = Scale(points.Count == 0 ? 0 : points.Max(p => p.Value));
        var max = step * ticks;
        var plotWidth = width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var svg = new StringBuilder(4096);
        var summary = Summary(chart);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart chart-{(chart.Kind == ChartKind.Bar ? "bar" : "line")}\" viewBox=\"0 0 {width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" data-chart=\"{E(chart.Key)}\" data-points=\"{points.Count}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{E(chart.Title)}</title><desc id=\"{id}-desc\">{E(summary)}</desc>");

        // Y axis: a gridline and a label at every step.
        for (var i = 0; i <= ticks; i++)
        {
            var value = step * i;
            var y = Top + plotHeight - (plotHeight * i / (double)ticks);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{width - Right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{E(Format(value, chart.Format, axis: true))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + plotHeight}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{width - Right}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-label\" x=\"14\" y=\"{Top + (plotHeight / 2)}\" transform=\"rotate(-90 14 {Top + (plotHeight / 2)})\" text-anchor=\"middle\">{E(chart.YLabel)}</text>");

        if (points.Count > 0)
        {
            var slot = plotWidth / (double)points.Count;
            double X(int i) => Left + (slot * i) + (slot / 2);
            double Y(double v) => Top + plotHeight - (max == 0 ? 0 : plotHeight * v / max);

            // X axis labels: at most about six, evenly spaced, counted back from the last one so none overlap.
            var every = Math.Max(1, (int)Math.Ceiling(points.Count / 6.0));
            for (var i = 0; i < points.Count; i++)
            {
                if ((points.Count - 1 - i) % every == 0)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{F(X(i))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{E(points[i].Label)}</text>");
                }
            }

            if (chart.Kind == ChartKind.Bar)
            {
                var barWidth = Math.Max(1, slot * 0.7);
                for (var i = 0; i < points.Count; i++)
                {
                    var y = Y(points[i].Value);
                    svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{F(X(i) - (barWidth / 2))}\" y=\"{F(y)}\" width=\"{F(barWidth)}\" height=\"{F(Top + plotHeight - y)}\" data-value=\"{F(points[i].Value)}\"><title>{E(points[i].Tooltip)}</title></rect>");
                }
            }
            else
            {
                svg.Append("<polyline class=\"line\" fill=\"none\" points=\"");
                for (var i = 0; i < points.Count; i++)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"{F(X(i))},{F(Y(points[i].Value))} ");
                }

                svg.Append("\"/>");
                for (var i = 0; i < points.Count; i++)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"point\" cx=\"{F(X(i))}\" cy=\"{F(Y(points[i].Value))}\" r=\"3.5\" data-value=\"{F(points[i].Value)}\"><title>{E(points[i].Tooltip)}</title></circle>");
                }
            }
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>How a value reads in a tile, a tooltip or on an axis.</summary>
    public static string Format(double? value, TileFormat format, bool axis = false)
    {
        if (value is not { } v)
        {
            return "—";
        }

        return format switch
        {
            TileFormat.Percent => (v * 100).ToString(axis ? "0.#" : "0.##", CultureInfo.InvariantCulture) + " %",
            TileFormat.Milliseconds when axis && v >= 1000 => (v / 1000).ToString("0.##", CultureInfo.InvariantCulture) + " s",
            TileFormat.Milliseconds => v.ToString(v >= 100 || axis ? "N0" : "0.#", CultureInfo.InvariantCulture) + " ms",
            TileFormat.PerSecond => v.ToString(v >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture),
            TileFormat.Coins => v.ToString("N0", CultureInfo.InvariantCulture),
            TileFormat.Balanced => v >= 1 ? "Balanced" : "Unbalanced",
            _ => v.ToString(axis && v != Math.Floor(v) ? "0.#" : "N0", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A round top for the y axis, at least the largest value: the result of <see cref="Scale"/>.</summary>
    internal static double NiceMax(double max)
    {
        var (step, ticks) = Scale(max);
        return step * ticks;
    }

    /// <summary>The y axis' step (1, 2 or 5 times a power of ten) and how many steps (1 to 4) reach the largest value.</summary>
    internal static (double Step, int Ticks) Scale(double max)
    {
        if (max <= 0)
        {
            return (1, 1);
        }

        var rough = max / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = NiceFactors.Select(f => f * magnitude).First(s => s >= rough * (1 - 1e-9));
        return (step, Math.Max(1, (int)Math.Ceiling((max / step) - 1e-9)));
    }

    private static string Summary(DashboardChart chart)
    {
        if (chart.Points.Count == 0)
        {
            return chart.EmptyMessage ?? "No data.";
        }

        var peak = chart.Points.MaxBy(p => p.Value)!;
        return $"{chart.Points.Count} points from {chart.Points[0].Label} to {chart.Points[^1].Label}; highest {Format(peak.Value, chart.Format)} at {peak.Label}; latest {Format(chart.Points[^1].Value, chart.Format)}.";
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
