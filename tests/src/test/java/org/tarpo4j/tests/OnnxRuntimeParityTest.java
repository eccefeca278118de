package org.tarpo4j.tests;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.Rng;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared tiny Llama's original ONNX graph, run by ONNX Runtime 1.22 on fresh random prompts, agrees with us. */
class OnnxRuntimeParityTest {
    private static OrtEnvironment env;
    private static OrtSession session;
    private static CausalLm lm;

    @BeforeAll
    static void open() throws Exception {
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(TinyLlamaFixture.onnxModel().toString(), new OrtSession.SessionOptions());
        lm = CausalLm.fromPretrained(TinyLlamaFixture.hfDir());
    }

    @AfterAll
    static void close() throws Exception {
        session.close();
        lm.close();
    }

    /** ORT's logits [T, V] for one unpadded sequence with an empty cache. */
    private static float[][] ortLogits(int[] ids) throws Exception {
        int t = ids.length;
        long[][] inputIds = new long[1][t], positions = new long[1][t], mask = new long[1][t];
        for (int i = 0; i < t; i++) {
            inputIds[0][i] = ids[i];
            positions[0][i] = i;
            mask[0][i] = 1;
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(env, inputIds));
        in.put("position_ids", OnnxTensor.createTensor(env, positions));
        in.put("attention_mask", OnnxTensor.createTensor(env, mask));
        for (int l = 0; l < 2; l++) {
            for (String kv : new String[]{"key", "value"}) {
                ByteBuffer empty = ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
                in.put("past_key_values." + l + "." + kv,
                        OnnxTensor.createTensor(env, empty, new long[]{1, 1, 0, 16}, OnnxJavaType.FLOAT16));
            }
        }
        try (OrtSession.Result result = session.run(in)) {
            OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
            FloatBuffer fb = logits.getFloatBuffer(); // widened from fp16 by ORT
            int vocab = (int) logits.getInfo().getShape()[2];
            float[][] out = new float[t][vocab];
            for (int i = 0; i < t; i++) fb.get(out[i]);
            return out;
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void randomPromptsAgreeWithOnnxRuntime() throws Exception {
        Rng rng = new Rng(2024);
        int vocab = lm.config().vocabSize();
        double worst = 0;
        for (int p = 0; p < 5; p++) {
            int[] ids = new int[5 + rng.nextInt(20)];
            ids[0] = 1;
            for (int i = 1; i < ids.length; i++) ids[i] = rng.nextInt(vocab);
            float[][] theirs = ortLogits(ids);
            INDArray ours = lm.logits(ids);
            assertEquals(theirs.length, ours.rows());
            for (int t = 0; t < theirs.length; t++) {
                float[] row = ours.getRow(t).toFloatVector();
                for (int v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(row[v] - theirs[t][v]));
            }
        }
        // the ONNX graph computes in fp16 and rounds its outputs to fp16; ours is fp32 throughout
        assertTrue(worst <= 1e-3, "max |logit diff| vs ONNX Runtime " + worst);
    }
}
