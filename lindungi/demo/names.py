"""Common Indonesian given names and family names, for synthetic people only."""

MALE = (
    "Agus Ahmad Andi Ari Arif Bambang Budi Dedi Dimas Eko Fajar Hadi Hendra Heru Ilham Imam Iwan Joko Kurniawan "
    "Muhammad Mochamad Nur Rudi Rahmat Ridwan Rizki Sigit Slamet Sugeng Supriyadi Suryadi Taufik Teguh Wahyu "
    "Yusuf Yogi Zainal Abdul Asep Dadang Ujang Wayan Made Ketut Komang Lalu Yohanes Petrus Stefanus Fransiskus "
    "Irfan Firman Darmawan Haris Ismail Junaidi Rohman Sutrisno Suparman Warsito"
).split()
FEMALE = (
    "Siti Sri Dewi Nur Ani Ayu Dian Eka Endang Fitri Indah Lestari Lina Maya Mega Nining Novi Puji Putri Rina "
    "Rini Rohmah Sari Susanti Tri Utami Wati Wulan Yuli Yanti Nurhayati Kartini Suryani Sulastri Sumiati "
    "Aminah Fatimah Khadijah Aisyah Ratna Retno Tuti Umi Nengsih Ni Luh Kadek Maria Yuliana Agnes Theresia "
    "Jumiati Karsih Warsini Rukmini Painem Tumini Sukarni Nurul Laila Halimah Mariam"
).split()
FAMILY = (
    "Santoso Wijaya Saputra Hidayat Susanto Pratama Setiawan Kusuma Rahayu Wibowo Nugroho Hartono Purnomo "
    "Gunawan Permana Sulistyo Handayani Maharani Safitri Anggraini Lestari Hasanah Rahmawati Wahyuni Kurniasih "
    "Suryani Hakim Siregar Nasution Lubis Harahap Simanjuntak Sinaga Tambunan Manurung Pangaribuan Sitompul "
    "Ndruru Laia Bere Tefa Fanggidae Manafe Mbete Lede Nenobais Sabu"
).split()
# Old spellings that the duplicate matcher must see through.
OLD_SPELLINGS = {"Joko": "Djoko", "Yusuf": "Joesoef", "Sugeng": "Soegeng", "Suryadi": "Soeryadi",
                 "Sutrisno": "Soetrisno", "Suparman": "Soeparman", "Susanto": "Soesanto", "Sri": "Sri",
                 "Nurhayati": "Noerhayati", "Cahya": "Tjahja"}
