// report_gnuplot.h: pieces of the gnuplot scripts of the report's figures
// (internal to report_figures.cc and report_differences.cc).
#pragma once

#include <string>

namespace hsgd::report {

// A gnuplot string in single quotes ('' is a quote).
inline std::string gp_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The same plots as PNG, then as SVG: figures/<stem>.png and .svg.
inline std::string terminal_block(const std::string& out_stem, const std::string& size, const std::string& body) {
  return "set terminal pngcairo size " + size + " font ',10'\nset output " + gp_quote(out_stem + ".png") + "\n" +
         body + "unset multiplot\nset terminal svg size " + size + " dynamic font ',10'\nset output " +
         gp_quote(out_stem + ".svg") + "\n" + body + "unset multiplot\n";
}

}  // namespace hsgd::report
