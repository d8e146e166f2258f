"""AD: advertising-law wording (seed check 2: 筛查主图、详情页文案是否夸大虚假宣传)."""
