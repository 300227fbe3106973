"""gnuplot_figure.py: one figure written as PNG and SVG by gnuplot, for the
scripts that draw from results files (calibrate.py, hybrid_map.py)."""
import os
import subprocess


def render(figures, name, size, commands):
    """Runs gnuplot `commands` (a list of lines, the plot last) once per format:
    FIGURES/NAME.png and FIGURES/NAME.svg, of `size` ("W,H" pixels)."""
    for term, ext in ((f"pngcairo size {size}", "png"), (f"svg size {size}", "svg")):
        script = "\n".join([f"set terminal {term}", f"set output '{os.path.join(figures, name + '.' + ext)}'",
                            *commands, ""])
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
