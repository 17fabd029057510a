/** Shared test data for the display and callback tests. */
import { tf } from "../../src/backend";
import type { PlotlyFigure, PlotlyTrace } from "../../src/display";

/** A History-shaped object as tfjs returns it (values synced to numbers), with the lesson's metrics. */
export function lessonHistory() {
  return {
    epoch: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    history: {
      loss: [0.62, 0.45, 0.4, 0.37, 0.35, 0.33, 0.31, 0.3, 0.29, 0.28],
      acc: [0.78, 0.84, 0.855, 0.866, 0.872, 0.878, 0.884, 0.889, 0.892, 0.896],
      val_loss: [0.47, 0.42, 0.39, 0.37, 0.36, 0.355, 0.352, 0.356, 0.36, 0.365],
      val_acc: [0.83, 0.85, 0.86, 0.867, 0.87, 0.873, 0.874, 0.872, 0.871, 0.87],
    },
  };
}

/** The line and marker traces of a Plotly figure (its bar traces left out). */
export function scatterTraces(fig: PlotlyFigure): PlotlyTrace[] {
  return fig.data.filter((t): t is PlotlyTrace => t.type === "scatter");
}

/** A tiny compiled regression model on the cpu backend and 80 samples (10 batches of 8 per epoch), for fits that callbacks watch. */
export function tinyTask() {
  tf.setBackend("cpu");
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, activation: "relu", inputShape: [3] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: "meanSquaredError" });
  const x = tf.randomUniform([80, 3], -1, 1, "float32", 7);
  const y = x.sum(1, true);
  return { model, x, y };
}
