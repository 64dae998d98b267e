// The Kubernetes Indexed Job of distributed sweeps (tools/k8s/sweep-job.yaml)
// parses, and asks for what the sweep needs: an Indexed Job whose pods each
// run one shard of `completions`, writing into a shared volume. No
// Kubernetes runs here, so this is the check it gets.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

namespace {

TEST(K8sManifest, AnIndexedJobRunsOneShardPerPod) {
  const YAML::Node job = YAML::LoadFile(std::string(CONFMAN_SOURCE_DIR) + "/tools/k8s/sweep-job.yaml");
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(job["kind"].as<std::string>(), "Job");
  const YAML::Node spec = job["spec"];
  EXPECT_EQ(spec["completionMode"].as<std::string>(), "Indexed");
  const int completions = spec["completions"].as<int>();
  EXPECT_GE(completions, 1);
  EXPECT_LE(spec["parallelism"].as<int>(), completions);
  const YAML::Node pod = spec["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Never");
  ASSERT_TRUE(pod["containers"].IsSequence());
  ASSERT_EQ(pod["containers"].size(), 1u);
  const YAML::Node container = pod["containers"][0];
  std::string command;
  for (const auto& part : container["args"]) command += part.as<std::string>() + " ";
  EXPECT_NE(command.find("confman-sim sweep"), std::string::npos) << command;
  EXPECT_NE(command.find("--shard \"$((JOB_COMPLETION_INDEX + 1))/" + std::to_string(completions) + "\""),
            std::string::npos)
      << "each pod runs shard index+1 of completions: " << command;
  // The results go where the volume is mounted.
  const std::string results = container["workingDir"].as<std::string>();
  ASSERT_TRUE(container["volumeMounts"].IsSequence());
  EXPECT_EQ(container["volumeMounts"][0]["mountPath"].as<std::string>(), results);
}

}  // namespace
