// dnnl_network.cc: see dnnl_network.h. A Plan holds every primitive of one
// batch size, as two lists of steps (forward, backward), each a primitive
// with its arguments. Reorders between layouts are steps too. Memories in the
// flat buffers' own layout ("views") get their data pointers at each call.
#include "hsgd/nn/dnnl_network.h"

#include <map>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hsgd/common/error.h"
#include "hsgd/nn/kernels.h"
#include "hsgd/nn/layer_geometry.h"
#include "hsgd/nn/one_thread.h"

namespace hsgd::nn {
namespace {

using dnnl::memory;
using Dims = memory::dims;
using Tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

struct Step {
  dnnl::primitive primitive;
  std::unordered_map<int, memory> args;
};

// What the forward pass of one layer leaves for its backward pass.
struct LayerRecord {
  memory src, dst, workspace, weights;
  Dims src_4d;  // a linear layer fed by a 4-D activation: its dims (the delta goes back to them)
  dnnl::convolution_forward::primitive_desc conv;
  dnnl::pooling_forward::primitive_desc pool;
  dnnl::inner_product_forward::primitive_desc linear;
  dnnl::eltwise_forward::primitive_desc relu;
};

Dims dims_of(size_t n, const Shape& s) { return {static_cast<int64_t>(n), s.c, s.h, s.w}; }

// Every primitive of one batch size, forward and backward.
struct Plan {
  memory images, logits, dlogits;
  std::vector<std::pair<memory, size_t>> param_views, grad_views;  // (memory, offset in the flat buffer)
  std::vector<Step> forward, backward;
};

}  // namespace

struct DnnlNetwork::Impl {
  std::vector<LayerGeometry> layers;
  size_t num_params = 0;
  int classes = 0;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};

  std::map<std::pair<size_t, bool>, std::unique_ptr<Plan>> plans;  // by (batch size, training)
  const Plan* last = nullptr;

  Plan& plan(size_t n, bool training) {
    auto& slot = plans[{n, training}];
    if (!slot) slot = build(n, training);
    return *slot;
  }

  std::unique_ptr<Plan> build(size_t n, bool training);
  void set_handles(Plan& plan, const float* params, const float* images, float* grad) const;
  void run(std::vector<Step>& steps) {
    for (Step& step : steps) step.primitive.execute(stream, step.args);
    stream.wait();
  }
};

namespace {

// Builds one plan's steps. `cur` is the activation the next layer reads
// (forward) and `diff` the delta of the layer being undone (backward).
class PlanBuilder {
 public:
  PlanBuilder(const dnnl::engine& engine, size_t n, bool training, Plan& plan)
      : engine_(engine), n_(n), training_(training), plan_(plan) {
    // Each primitive gets its own scratchpad (below): networks run concurrently on several threads.
    attr_.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  }

  // A memory over the caller's buffer: its pointer is set at each call.
  memory unbound(const Dims& dims, Tag tag) const { return memory({dims, kF32, tag}, engine_, DNNL_MEMORY_NONE); }

  // A memory over the parameters (or the gradient) at `offset` floats.
  memory view(const Dims& dims, Tag tag, bool gradient, size_t offset) {
    memory m = unbound(dims, tag);
    (gradient ? plan_.grad_views : plan_.param_views).emplace_back(m, offset);
    return m;
  }

  // `m` in layout `want`: itself, or a new memory filled by a reorder step.
  memory in_layout(std::vector<Step>& steps, const memory& m, const memory::desc& want) {
    if (m.get_desc() == want) return m;
    memory out(want, engine_);
    reorder(steps, m, out);
    return out;
  }

  void reorder(std::vector<Step>& steps, const memory& from, const memory& to) {
    const dnnl::reorder::primitive_desc pd(engine_, from.get_desc(), engine_, to.get_desc(), attr_);
    push(steps, pd, dnnl::reorder(pd), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
  }

  // A step with its own scratchpad, if the primitive needs one.
  template <typename PrimitiveDesc>
  void push(std::vector<Step>& steps, const PrimitiveDesc& pd, dnnl::primitive primitive,
            std::unordered_map<int, memory> args) {
    const memory::desc scratchpad = pd.scratchpad_desc();
    if (scratchpad.get_size() > 0) args[DNNL_ARG_SCRATCHPAD] = memory(scratchpad, engine_);
    steps.push_back({std::move(primitive), std::move(args)});
  }

  void forward(const LayerGeometry& g, LayerRecord& r, memory& cur) {
    switch (g.spec.kind) {
      case LayerKind::kConv: return conv_forward(g, r, cur);
      case LayerKind::kMaxPool: return pool_forward(g, r, cur);
      case LayerKind::kRelu: return relu_forward(r, cur);
      case LayerKind::kLinear: return linear_forward(g, r, cur);
    }
  }

  void backward(const LayerGeometry& g, const LayerRecord& r, memory& diff, bool first) {
    switch (g.spec.kind) {
      case LayerKind::kConv: return conv_backward(g, r, diff, first);
      case LayerKind::kMaxPool: return pool_backward(g, r, diff);
      case LayerKind::kRelu: return relu_backward(r, diff);
      case LayerKind::kLinear: return linear_backward(g, r, diff, first);
    }
  }

 private:
  dnnl::prop_kind prop() const {
    return training_ ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  }
  int64_t n() const { return static_cast<int64_t>(n_); }

  Dims conv_weight_dims(const LayerSpec& s) const { return {s.out, s.in, s.kernel, s.kernel}; }
  size_t conv_bias_offset(const LayerGeometry& g) const {
    return g.weights + static_cast<size_t>(g.spec.out) * g.spec.in * g.spec.kernel * g.spec.kernel;
  }

  void conv_forward(const LayerGeometry& g, LayerRecord& r, memory& cur) {
    const LayerSpec& s = g.spec;
    const memory::desc any_src(dims_of(n_, g.in), kF32, Tag::any), any_w(conv_weight_dims(s), kF32, Tag::any),
        bias({s.out}, kF32, Tag::x), any_dst(dims_of(n_, g.out), kF32, Tag::any);
    r.conv = {{prop(), dnnl::algorithm::convolution_direct, any_src, any_w, bias, any_dst, {1, 1}, {0, 0}, {0, 0}},
              attr_, engine_};
    r.src = in_layout(plan_.forward, cur, r.conv.src_desc());
    const memory user_w = view(conv_weight_dims(s), Tag::oihw, false, g.weights);
    r.weights = in_layout(plan_.forward, user_w, r.conv.weights_desc());
    r.dst = memory(r.conv.dst_desc(), engine_);
    push(plan_.forward, r.conv, dnnl::convolution_forward(r.conv),
         {{DNNL_ARG_SRC, r.src},
          {DNNL_ARG_WEIGHTS, r.weights},
          {DNNL_ARG_BIAS, view({s.out}, Tag::x, false, conv_bias_offset(g))},
          {DNNL_ARG_DST, r.dst}});
    cur = r.dst;
  }

  void conv_backward(const LayerGeometry& g, const LayerRecord& r, memory& diff, bool first) {
    const LayerSpec& s = g.spec;
    const memory::desc any_src(dims_of(n_, g.in), kF32, Tag::any), any_w(conv_weight_dims(s), kF32, Tag::any),
        bias({s.out}, kF32, Tag::x), any_dst(dims_of(n_, g.out), kF32, Tag::any);
    auto& steps = plan_.backward;
    const dnnl::convolution_backward_weights::primitive_desc bw(
        {dnnl::algorithm::convolution_direct, r.src.get_desc(), any_w, bias, any_dst, {1, 1}, {0, 0}, {0, 0}},
        attr_, engine_, r.conv);
    const memory dst_diff = in_layout(steps, diff, bw.diff_dst_desc());
    const memory user_dw = view(conv_weight_dims(s), Tag::oihw, true, g.weights);
    const bool direct = bw.diff_weights_desc() == user_dw.get_desc();
    const memory dw = direct ? user_dw : memory(bw.diff_weights_desc(), engine_);
    push(steps, bw, dnnl::convolution_backward_weights(bw),
         {{DNNL_ARG_SRC, r.src},
          {DNNL_ARG_DIFF_DST, dst_diff},
          {DNNL_ARG_DIFF_WEIGHTS, dw},
          {DNNL_ARG_DIFF_BIAS, view({s.out}, Tag::x, true, conv_bias_offset(g))}});
    if (!direct) reorder(steps, dw, user_dw);
    if (first) return;  // the images need no delta
    const dnnl::convolution_backward_data::primitive_desc bd(
        {dnnl::algorithm::convolution_direct, any_src, any_w, any_dst, {1, 1}, {0, 0}, {0, 0}}, attr_, engine_, r.conv);
    memory weights = r.weights;
    if (!(bd.weights_desc() == r.weights.get_desc()))
      weights = in_layout(steps, view(conv_weight_dims(s), Tag::oihw, false, g.weights), bd.weights_desc());
    const memory src_diff(bd.diff_src_desc(), engine_);
    const memory data_diff_dst = in_layout(steps, dst_diff, bd.diff_dst_desc());
    push(steps, bd, dnnl::convolution_backward_data(bd),
         {{DNNL_ARG_DIFF_DST, data_diff_dst}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, src_diff}});
    diff = src_diff;
  }

  void pool_forward(const LayerGeometry& g, LayerRecord& r, memory& cur) {
    const int64_t k = g.spec.kernel;
    const memory::desc any_dst(dims_of(n_, g.out), kF32, Tag::any);
    r.pool = {{prop(), dnnl::algorithm::pooling_max, cur.get_desc(), any_dst, {k, k}, {k, k}, {0, 0}, {0, 0}},
              attr_, engine_};
    r.src = cur;
    r.dst = memory(r.pool.dst_desc(), engine_);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, r.src}, {DNNL_ARG_DST, r.dst}};
    if (training_) {
      r.workspace = memory(r.pool.workspace_desc(), engine_);
      args[DNNL_ARG_WORKSPACE] = r.workspace;
    }
    push(plan_.forward, r.pool, dnnl::pooling_forward(r.pool), std::move(args));
    cur = r.dst;
  }

  void pool_backward(const LayerGeometry& g, const LayerRecord& r, memory& diff) {
    const int64_t k = g.spec.kernel;
    const dnnl::pooling_backward::primitive_desc pd(
        {dnnl::algorithm::pooling_max, r.src.get_desc(), r.dst.get_desc(), {k, k}, {k, k}, {0, 0}, {0, 0}}, attr_,
        engine_, r.pool);
    auto& steps = plan_.backward;
    const memory dst_diff = in_layout(steps, diff, pd.diff_dst_desc());
    const memory src_diff(pd.diff_src_desc(), engine_);
    push(steps, pd, dnnl::pooling_backward(pd),
         {{DNNL_ARG_DIFF_DST, dst_diff}, {DNNL_ARG_DIFF_SRC, src_diff}, {DNNL_ARG_WORKSPACE, r.workspace}});
    diff = src_diff;
  }

  void relu_forward(LayerRecord& r, memory& cur) {
    r.relu = {{prop(), dnnl::algorithm::eltwise_relu, cur.get_desc(), 0.0f, 0.0f}, attr_, engine_};
    r.src = cur;
    r.dst = memory(cur.get_desc(), engine_);
    push(plan_.forward, r.relu, dnnl::eltwise_forward(r.relu), {{DNNL_ARG_SRC, r.src}, {DNNL_ARG_DST, r.dst}});
    cur = r.dst;
  }

  void relu_backward(const LayerRecord& r, memory& diff) {
    const memory::desc md = r.dst.get_desc();
    const dnnl::eltwise_backward::primitive_desc pd({dnnl::algorithm::eltwise_relu, md, md, 0.0f, 0.0f}, attr_,
                                                    engine_, r.relu);
    auto& steps = plan_.backward;
    const memory dst_diff = in_layout(steps, diff, md);
    const memory src_diff(md, engine_);
    push(steps, pd, dnnl::eltwise_backward(pd),
         {{DNNL_ARG_SRC, r.src}, {DNNL_ARG_DIFF_DST, dst_diff}, {DNNL_ARG_DIFF_SRC, src_diff}});
    diff = src_diff;
  }

  // Linear layers read one plain row per sample (PyTorch's flatten of NCHW)
  // and use the flat buffer's own layout for weights and gradients.
  void linear_forward(const LayerGeometry& g, LayerRecord& r, memory& cur) {
    const LayerSpec& s = g.spec;
    const memory::desc src2d({n(), s.in}, kF32, Tag::ab), w({s.out, s.in}, kF32, Tag::ab), bias({s.out}, kF32, Tag::x),
        dst({n(), s.out}, kF32, Tag::ab);
    if (cur.get_desc().dims().size() == 4) {
      r.src_4d = cur.get_desc().dims();
      const memory plain = in_layout(plan_.forward, cur, {r.src_4d, kF32, Tag::nchw});
      r.src = memory(src2d, engine_, plain.get_data_handle());  // the reorder step keeps `plain` alive
    } else {
      r.src = cur;
    }
    r.linear = {{prop(), src2d, w, bias, dst}, attr_, engine_};
    r.dst = memory(dst, engine_);
    push(plan_.forward, r.linear, dnnl::inner_product_forward(r.linear),
         {{DNNL_ARG_SRC, r.src},
          {DNNL_ARG_WEIGHTS, view({s.out, s.in}, Tag::ab, false, g.weights)},
          {DNNL_ARG_BIAS, view({s.out}, Tag::x, false, g.weights + size_t(s.out) * s.in)},
          {DNNL_ARG_DST, r.dst}});
    cur = r.dst;
  }

  void linear_backward(const LayerGeometry& g, const LayerRecord& r, memory& diff, bool first) {
    const LayerSpec& s = g.spec;
    const memory::desc src2d({n(), s.in}, kF32, Tag::ab), w({s.out, s.in}, kF32, Tag::ab), bias({s.out}, kF32, Tag::x),
        dst({n(), s.out}, kF32, Tag::ab);
    auto& steps = plan_.backward;
    const memory dst_diff = in_layout(steps, diff, dst);
    const dnnl::inner_product_backward_weights::primitive_desc bw({src2d, w, bias, dst}, attr_, engine_, r.linear);
    push(steps, bw, dnnl::inner_product_backward_weights(bw),
         {{DNNL_ARG_SRC, r.src},
          {DNNL_ARG_DIFF_DST, dst_diff},
          {DNNL_ARG_DIFF_WEIGHTS, view({s.out, s.in}, Tag::ab, true, g.weights)},
          {DNNL_ARG_DIFF_BIAS, view({s.out}, Tag::x, true, g.weights + size_t(s.out) * s.in)}});
    if (first) return;
    const dnnl::inner_product_backward_data::primitive_desc bd({src2d, w, dst}, attr_, engine_, r.linear);
    const memory src_diff(src2d, engine_);
    push(steps, bd, dnnl::inner_product_backward_data(bd),
         {{DNNL_ARG_DIFF_DST, dst_diff},
          {DNNL_ARG_WEIGHTS, view({s.out, s.in}, Tag::ab, false, g.weights)},
          {DNNL_ARG_DIFF_SRC, src_diff}});
    diff = r.src_4d.empty() ? src_diff : memory({r.src_4d, kF32, Tag::nchw}, engine_, src_diff.get_data_handle());
  }

  const dnnl::engine& engine_;
  dnnl::primitive_attr attr_;
  size_t n_;
  bool training_;
  Plan& plan_;
};

}  // namespace

std::unique_ptr<Plan> DnnlNetwork::Impl::build(size_t n, bool training) {
  auto plan = std::make_unique<Plan>();
  PlanBuilder builder(engine, n, training, *plan);
  // Images as the first layer reads them: one plain row per sample for a linear layer.
  const Shape& input = layers.front().in;
  plan->images = layers.front().spec.kind == LayerKind::kLinear
                     ? builder.unbound({static_cast<int64_t>(n), static_cast<int64_t>(input.size())}, Tag::ab)
                     : builder.unbound(dims_of(n, input), Tag::nchw);
  std::vector<LayerRecord> records(layers.size());
  memory cur = plan->images;
  for (size_t l = 0; l < layers.size(); ++l) builder.forward(layers[l], records[l], cur);
  plan->logits = cur;
  if (training) {
    plan->dlogits = memory(cur.get_desc(), engine);
    memory diff = plan->dlogits;
    for (size_t l = layers.size(); l-- > 0;) builder.backward(layers[l], records[l], diff, l == 0);
  }
  return plan;  // its steps hold every memory they use
}

void DnnlNetwork::Impl::set_handles(Plan& p, const float* params, const float* images, float* grad) const {
  p.images.set_data_handle(const_cast<float*>(images));
  for (auto& [m, offset] : p.param_views) m.set_data_handle(const_cast<float*>(params) + offset);
  if (grad != nullptr)
    for (auto& [m, offset] : p.grad_views) m.set_data_handle(grad + offset);
}

namespace {

// The layers in the order they run: a ReLU followed by a max-pool runs after
// it (relu(max(x)) = max(relu(x)), and both pass the delta to the same
// position, with the same value, even on ties), so the ReLU and its delta
// touch a quarter of the values. The results are the same bit for bit.
std::vector<LayerSpec> run_order(std::vector<LayerSpec> layers) {
  for (size_t l = 0; l + 1 < layers.size(); ++l)
    if (layers[l].kind == LayerKind::kRelu && layers[l + 1].kind == LayerKind::kMaxPool) std::swap(layers[l], layers[l + 1]);
  return layers;
}

}  // namespace

DnnlNetwork::DnnlNetwork(const ModelInfo& info) : impl_(std::make_unique<Impl>()) {
  NetworkGeometry net = layer_geometry(info.name, info.input, run_order(info.layers));
  impl_->layers = std::move(net.layers);
  impl_->num_params = net.num_params;
  impl_->classes = net.classes;
}

DnnlNetwork::~DnnlNetwork() = default;

size_t DnnlNetwork::num_params() const { return impl_->num_params; }
int DnnlNetwork::num_classes() const { return impl_->classes; }
const float* DnnlNetwork::logits() const {
  return impl_->last == nullptr ? nullptr : static_cast<const float*>(impl_->last->logits.get_data_handle());
}

double DnnlNetwork::gradient(const float* params, const float* images, const int64_t* labels, size_t n,
                             float* grad) {
  if (n == 0) {
    std::fill(grad, grad + impl_->num_params, 0.0f);
    return 0.0;
  }
  OneOmpThread one;
  Plan& plan = impl_->plan(n, /*training=*/true);
  impl_->set_handles(plan, params, images, grad);
  impl_->run(plan.forward);
  const double loss = softmax_cross_entropy(static_cast<const float*>(plan.logits.get_data_handle()), labels,
                                            static_cast<int>(n), impl_->classes,
                                            static_cast<float*>(plan.dlogits.get_data_handle()), nullptr);
  impl_->run(plan.backward);
  impl_->last = &plan;
  return loss / static_cast<double>(n);
}

void DnnlNetwork::score(const float* params, const float* images, const int64_t* labels, size_t n, double* loss_sum,
                        size_t* correct) {
  if (n == 0) return;
  OneOmpThread one;
  Plan& plan = impl_->plan(n, /*training=*/false);
  impl_->set_handles(plan, params, images, nullptr);
  impl_->run(plan.forward);
  *loss_sum += softmax_cross_entropy(static_cast<const float*>(plan.logits.get_data_handle()), labels,
                                     static_cast<int>(n), impl_->classes, nullptr, correct);
  impl_->last = &plan;
}

std::string DnnlNetwork::version() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

std::string DnnlNetwork::isa() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

}  // namespace hsgd::nn
