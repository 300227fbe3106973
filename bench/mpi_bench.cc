// mpi_bench.cc: a push + pull round trip of hsgd's MPI protocol between a
// worker and the server, against a raw MPI_Send/MPI_Recv ping-pong of the
// same bytes, in the same run. Prints numbers; run with two ranks:
//
//   OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np 2 build/bench/hsgd_mpi_bench [floats]
//
// hsgd round trip: rank 1 sends a push (header + gradient), rank 0 receives
// and validates it and answers with params (header + parameters), rank 1
// receives and validates them. Raw: the same bytes both ways, no header.
// Blocks of the two alternate so drift in the machine hits both alike.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "hsgd/transport/mpi_transport.h"

namespace {

using hsgd::MessageHeader;
using hsgd::MessageType;

double raw_round_trip(int rank, std::vector<float>& a, std::vector<float>& b) {
  const int bytes = static_cast<int>(a.size() * sizeof(float));
  const double start = MPI_Wtime();
  if (rank == 1) {
    MPI_Send(a.data(), bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
    MPI_Recv(b.data(), bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else {
    MPI_Recv(b.data(), bytes, MPI_BYTE, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(a.data(), bytes, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
  }
  return MPI_Wtime() - start;
}

double hsgd_round_trip(hsgd::MpiTransport& transport, std::vector<float>& a, std::vector<float>& b) {
  const double start = MPI_Wtime();
  MessageHeader h;
  h.payload_floats = a.size();
  h.sender = transport.rank();
  if (transport.rank() == 1) {
    h.type = MessageType::kPush;
    transport.send(h, a.data(), 0);
    transport.receive(0, a.size(), b, 1e9);  // unpolled: it probes for the message, as MPI_Probe
  } else {
    transport.receive(1, a.size(), b, 1e9);
    h.type = MessageType::kParams;
    transport.send(h, a.data(), 1);
  }
  return MPI_Wtime() - start;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != 2) {
    if (rank == 0) std::fprintf(stderr, "hsgd_mpi_bench: run with exactly 2 ranks (mpirun -np 2)\n");
    MPI_Finalize();
    return 2;
  }
  const size_t floats = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 582026;  // mnist-cnn
  std::vector<float> a(floats, 0.5f), b(floats);
  std::vector<double> raw, ours;
  hsgd::MpiTransport transport;
  for (int block = 0; block < 10; ++block) {
    for (int i = 0; i < 30; ++i) {
      const double t = raw_round_trip(rank, a, b);
      if (i >= 5) raw.push_back(t);
    }
    for (int i = 0; i < 30; ++i) {
      const double t = hsgd_round_trip(transport, a, b);
      if (i >= 5) ours.push_back(t);
    }
  }
  if (rank == 1) {
    const double r = median(raw) * 1e3, o = median(ours) * 1e3;
    std::printf("payload %zu floats (%.2f MB) each way, %zu round trips each\n", floats, floats * 4 / 1e6, raw.size());
    std::printf("raw MPI ping-pong:       %.3f ms (median)\n", r);
    std::printf("hsgd push + pull:        %.3f ms (median)\n", o);
    std::printf("ratio hsgd / raw:        %.3f (target <= 1.25)\n", o / r);
  }
  MPI_Finalize();
  return 0;
}
