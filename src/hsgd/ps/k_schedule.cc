// k_schedule.cc: the K schedules and their spec parser.
#include "hsgd/ps/k_schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "hsgd/common/error.h"
#include "hsgd/ps/k_policy.h"

namespace hsgd {
namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

double x_of(ScheduleUnit unit, const ScheduleState& s) {
  switch (unit) {
    case ScheduleUnit::kGradients: return static_cast<double>(s.gradients);
    case ScheduleUnit::kUpdates: return static_cast<double>(s.updates);
    case ScheduleUnit::kSeconds: return s.seconds;
  }
  return 0;
}

const char* unit_name(ScheduleUnit unit) {
  switch (unit) {
    case ScheduleUnit::kGradients: return "gradients";
    case ScheduleUnit::kUpdates: return "updates";
    case ScheduleUnit::kSeconds: return "seconds";
  }
  return "?";
}

class ConstantSchedule : public KSchedule {
 public:
  explicit ConstantSchedule(int k) : k_(k) {}
  int k(const ScheduleState&) const override { return k_; }
  int max_k() const override { return k_; }
  std::string describe() const override { return "constant: K = " + std::to_string(k_); }

 private:
  int k_;
};

class AdaptiveSchedule : public KSchedule {
 public:
  explicit AdaptiveSchedule(int workers) : workers_(workers) {}
  int k(const ScheduleState&) const override { return 1; }
  int max_k() const override { return workers_; }
  bool adaptive() const override { return true; }
  std::string describe() const override {
    return "adaptive: K = max(K, min(live workers, ceil(U / (0.8 a - G)))) at the end of every window of " +
           std::to_string(std::max(32, 2 * workers_)) +
           " gradients; a = mean time between gradients, U = server time per update, G = per gradient (the "
           "window's means); K never falls";
  }

 private:
  int workers_;
};

class StepSchedule : public KSchedule {
 public:
  StepSchedule(int k0, double s, int k_max, ScheduleUnit unit) : k0_(k0), s_(s), k_max_(k_max), unit_(unit) {}
  int k(const ScheduleState& st) const override {
    const double steps = std::floor(x_of(unit_, st) / s_);
    return static_cast<int>(std::min<double>(k_max_, k0_ + steps));
  }
  int max_k() const override { return k_max_; }
  std::string describe() const override {
    if (unit_ == ScheduleUnit::kGradients)  // the paper's reading, described as it always was
      return "step: K = min(" + std::to_string(k_max_) + ", " + std::to_string(k0_) + " + floor(g / " + fmt(s_) +
             ")), g = gradients received";
    return "step: K = min(" + std::to_string(k_max_) + ", " + std::to_string(k0_) + " + floor(x / " + fmt(s_) +
           ")), x = " + unit_name(unit_) + (unit_ == ScheduleUnit::kUpdates ? " applied" : "");
  }

 private:
  int k0_;
  double s_;
  int k_max_;
  ScheduleUnit unit_;
};

class LinearSchedule : public KSchedule {
 public:
  LinearSchedule(ScheduleUnit unit, int from, int to, double over) : unit_(unit), from_(from), to_(to), over_(over) {}
  int k(const ScheduleState& st) const override {
    const double f = std::min(1.0, x_of(unit_, st) / over_);
    return from_ + static_cast<int>(std::floor((to_ - from_) * f));
  }
  int max_k() const override { return std::max(from_, to_); }
  std::string describe() const override {
    return std::string("linear: K = ") + std::to_string(from_) + " + floor(" + std::to_string(to_ - from_) +
           " * min(1, x / " + fmt(over_) + ")), x = " + unit_name(unit_);
  }

 private:
  ScheduleUnit unit_;
  int from_, to_;
  double over_;
};

class ListSchedule : public KSchedule {
 public:
  ListSchedule(ScheduleUnit unit, std::vector<std::pair<double, int>> points) : unit_(unit), points_(std::move(points)) {}
  int k(const ScheduleState& st) const override {
    const double x = x_of(unit_, st);
    int k = 1;
    for (const auto& [at, value] : points_)
      if (x >= at) k = value;
    return k;
  }
  int max_k() const override {
    int k = 1;
    for (const auto& point : points_) k = std::max(k, point.second);
    return k;
  }
  std::string describe() const override {
    std::string s = std::string("list: K by ") + unit_name(unit_) + ":";
    for (const auto& [at, value] : points_) s += " " + fmt(at) + "->" + std::to_string(value);
    return s;
  }

 private:
  ScheduleUnit unit_;
  std::vector<std::pair<double, int>> points_;
};

// "a=1,b=2" -> {a: "1", b: "2"}, in order; a name given twice is an error.
std::vector<std::pair<std::string, std::string>> parse_pairs(const std::string& spec, const std::string& text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == part.size())
      throw ConfigError("--schedule " + spec + ": '" + part + "' is not NAME=VALUE");
    for (const auto& [name, value] : pairs)
      if (name == part.substr(0, eq)) throw ConfigError("--schedule " + spec + ": " + name + " is given twice");
    pairs.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return pairs;
}

double to_number(const std::string& spec, const std::string& name, const std::string& text) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw ConfigError("--schedule " + spec + ": " + name + " = '" + text + "' is not a number");
}

int to_k(const std::string& spec, const std::string& name, const std::string& text) {
  const double v = to_number(spec, name, text);
  if (v < 1 || v != std::floor(v) || v > 1e6)
    throw ConfigError("--schedule " + spec + ": " + name + " = " + text + " is out of range: K must be an integer >= 1");
  return static_cast<int>(v);
}

ScheduleUnit to_unit(const std::string& spec, const std::string& text) {
  if (text == "gradients") return ScheduleUnit::kGradients;
  if (text == "updates") return ScheduleUnit::kUpdates;
  if (text == "seconds") return ScheduleUnit::kSeconds;
  throw ConfigError("--schedule " + spec + ": unit '" + text + "' is unknown; expected gradients, updates or seconds");
}

}  // namespace

std::unique_ptr<KSchedule> constant_schedule(int k) {
  HSGD_CHECK(k >= 1, "K = ", k);
  return std::make_unique<ConstantSchedule>(k);
}

std::unique_ptr<KSchedule> step_schedule(int k0, double step_size, int k_max, ScheduleUnit unit) {
  HSGD_CHECK(k0 >= 1 && k0 <= k_max && step_size > 0, "step schedule K0 ", k0, " Kmax ", k_max, " S ", step_size);
  return std::make_unique<StepSchedule>(k0, step_size, k_max, unit);
}

std::unique_ptr<KSchedule> linear_schedule(ScheduleUnit unit, int from, int to, double over) {
  HSGD_CHECK(from >= 1 && to >= 1 && over > 0, "linear schedule");
  return std::make_unique<LinearSchedule>(unit, from, to, over);
}

std::unique_ptr<KSchedule> list_schedule(ScheduleUnit unit, std::vector<std::pair<double, int>> points) {
  HSGD_CHECK(!points.empty(), "list schedule without points");
  return std::make_unique<ListSchedule>(unit, std::move(points));
}

std::unique_ptr<KSchedule> adaptive_schedule(int workers) { return std::make_unique<AdaptiveSchedule>(workers); }

std::unique_ptr<KSchedule> parse_k_schedule(const std::string& spec, double lr, int workers) {
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);

  if (kind == "policy") {
    if (rest.empty()) throw ConfigError("--schedule policy needs the policy's name: policy:NAME");
    return policy_schedule(rest, workers);
  }
  if (kind == "adaptive") {
    if (!rest.empty()) throw ConfigError("--schedule " + spec + ": adaptive takes no parameters (it has no knob)");
    return adaptive_schedule(workers);
  }
  if (kind == "constant") {
    if (rest.empty()) throw ConfigError("--schedule constant needs K: constant:K");
    return constant_schedule(to_k(spec, "K", rest));
  }
  if (kind == "step") {
    double c = 3, s = NAN;  // S not given: c / lr
    int k0 = 1, k_max = workers;
    ScheduleUnit unit = ScheduleUnit::kGradients;
    for (const auto& [name, value] : parse_pairs(spec, rest)) {
      if (name == "c") c = to_number(spec, name, value);
      else if (name == "S") s = to_number(spec, name, value);
      else if (name == "K0") k0 = to_k(spec, name, value);
      else if (name == "Kmax") k_max = to_k(spec, name, value);
      else if (name == "unit") unit = to_unit(spec, value);
      else throw ConfigError("--schedule " + spec + ": unknown parameter '" + name + "'; step takes S, c, K0, Kmax, unit");
    }
    if (c <= 0) throw ConfigError("--schedule " + spec + ": c = " + fmt(c) + " is out of range: must be > 0");
    if (std::isnan(s)) s = c / lr;
    if (!(s > 0) || !std::isfinite(s)) throw ConfigError("--schedule " + spec + ": S = " + fmt(s) + " is out of range: must be > 0");
    if (k0 > k_max)
      throw ConfigError("--schedule " + spec + ": K0 = " + std::to_string(k0) + " > Kmax = " + std::to_string(k_max) +
                        "; K0 must be <= Kmax");
    return step_schedule(k0, s, k_max, unit);
  }
  if (kind == "linear" || kind == "list") {
    const size_t comma = rest.find(',');
    if (rest.empty() || comma == std::string::npos)
      throw ConfigError("--schedule " + spec + ": expected " + kind +
                        (kind == "linear" ? ":UNIT,from=A,to=B,over=X" : ":UNIT,P1=K1,P2=K2,..."));
    const ScheduleUnit unit = to_unit(spec, rest.substr(0, comma));
    const auto pairs = parse_pairs(spec, rest.substr(comma + 1));
    if (kind == "linear") {
      std::map<std::string, std::string> p(pairs.begin(), pairs.end());
      for (const char* key : {"from", "to", "over"})
        if (!p.count(key)) throw ConfigError("--schedule " + spec + ": missing " + key + "=");
      if (p.size() != 3) throw ConfigError("--schedule " + spec + ": linear takes exactly from, to, over");
      const double over = to_number(spec, "over", p["over"]);
      if (over <= 0) throw ConfigError("--schedule " + spec + ": over = " + p["over"] + " is out of range: must be > 0");
      return linear_schedule(unit, to_k(spec, "from", p["from"]), to_k(spec, "to", p["to"]), over);
    }
    if (pairs.empty()) throw ConfigError("--schedule " + spec + ": list needs at least one point P=K");
    std::vector<std::pair<double, int>> points;
    for (const auto& [at, k] : pairs) {
      points.emplace_back(to_number(spec, "point", at), to_k(spec, "K at " + at, k));
      if (points.size() > 1 && points.back().first <= points[points.size() - 2].first)
        throw ConfigError("--schedule " + spec + ": points must increase");
      if (points.back().first < 0) throw ConfigError("--schedule " + spec + ": points must be >= 0");
    }
    return list_schedule(unit, std::move(points));
  }
  throw ConfigError("--schedule " + spec + ": unknown schedule '" + kind + "'; expected constant, step, linear, list, adaptive or policy:NAME");
}

}  // namespace hsgd
