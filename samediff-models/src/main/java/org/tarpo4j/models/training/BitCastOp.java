package org.tarpo4j.models.training;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

import java.util.List;

/**
 * libnd4j's {@code bitcast} in a SameDiff graph: the same bytes read as another type of the same width. M2.1 has no
 * SameDiff builder for it (its {@code BitCast} class takes the type as a second variable), so this one takes it as the
 * op's integer argument, which is also what its serialised form (and so the gradient function's copy) keeps.
 */
final class BitCastOp extends DynamicCustomOp {
    private final DataType to;

    BitCastOp(SameDiff sd, SDVariable in, DataType to) {
        super("", sd, new SDVariable[]{in});
        this.to = to;
        addIArgument(to.toInt());
    }

    @Override
    public String opName() { return "bitcast"; }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> inputTypes) { return List.of(to); }
}
